# Install rules: the exported libraries (energon::<name>) with their headers, the commands, the
# data folders, the firmware driver's sources, a CMake package (find_package(EnergonVP CONFIG))
# and a pkg-config file (energon-vp.pc). docs/integration.md lists what lands where.
include(CMakePackageConfigHelpers)

set(ENERGON_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/EnergonVP)
get_property(exported GLOBAL PROPERTY ENERGON_EXPORTED_TARGETS)
get_property(include_dirs GLOBAL PROPERTY ENERGON_EXPORTED_INCLUDE_DIRS)
list(REMOVE_DUPLICATES include_dirs)

install(TARGETS ${exported} EXPORT EnergonVPTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(dir IN LISTS include_dirs)
  install(DIRECTORY ${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
install(EXPORT EnergonVPTargets NAMESPACE energon:: DESTINATION ${ENERGON_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/EnergonVPConfig.cmake.in
  ${PROJECT_BINARY_DIR}/EnergonVPConfig.cmake
  INSTALL_DESTINATION ${ENERGON_CMAKE_DIR}
  PATH_VARS ENERGON_DATA_SUBDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/EnergonVPConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/EnergonVPConfig.cmake ${PROJECT_BINARY_DIR}/EnergonVPConfigVersion.cmake
  DESTINATION ${ENERGON_CMAKE_DIR})

# pkg-config: the hardware stack, firmware and golden model in static link order.
set(ENERGON_PC_LIBS "")
foreach(lib accelerator controller register_map datapath candidate_search attention_engine selector filter_engine fetch config
            energy policy dram router hw_core stats golden kernels spec fw)
  string(APPEND ENERGON_PC_LIBS " -lenergon_${lib}")
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/energon-vp.pc.in ${PROJECT_BINARY_DIR}/energon-vp.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/energon-vp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

foreach(entry IN LISTS ENERGON_DATA_FOLDERS)
  string(REPLACE "=" ";" pair "${entry}")
  list(GET pair 0 name)
  list(GET pair 1 src)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${src}/ DESTINATION ${ENERGON_DATA_SUBDIR}/${name})
endforeach()
# The driver's C sources, for firmware built outside CMake (bare metal, another simulator).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/platform/firmware/src/ DESTINATION ${ENERGON_DATA_SUBDIR}/firmware/src)
install(FILES ${PROJECT_SOURCE_DIR}/docs/integration.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

install(TARGETS energon-vp energon-vp-llm energon-golden energon-llm-eval energon-trace energon-regmap
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The Python co-simulation client (docs/cosim.md): add <prefix>/share/energon-vp/python to sys.path.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/platform/cosim/python/energon_vp DESTINATION ${ENERGON_DATA_SUBDIR}/python
  PATTERN "__pycache__" EXCLUDE)
install(TARGETS energon-fw-client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# energon-sweep (docs/sweeps.md): the launcher beside the commands it runs, its Python package
# beside the co-simulation client's.
install(PROGRAMS ${PROJECT_SOURCE_DIR}/platform/sweep/energon-sweep DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/platform/sweep/python/energon_sweep DESTINATION ${ENERGON_DATA_SUBDIR}/python
  PATTERN "__pycache__" EXCLUDE)
