# energon_add_test(NAME <name> SOURCES <files...> LIBS <targets...> [SYSTEMC])
# One Catch2 executable; every TEST_CASE becomes its own ctest (own process), which
# SystemC needs: one process runs one simulation.
function(energon_add_test)
  if(NOT ENERGON_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "SYSTEMC" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  if(T_SYSTEMC)
    target_link_libraries(${T_NAME} PRIVATE energon_catch_sc_main ${T_LIBS})
  else()
    target_link_libraries(${T_NAME} PRIVATE energon_catch_main ${T_LIBS})
  endif()
  target_compile_definitions(${T_NAME} PRIVATE
    ENERGON_SHARED_DIR="${ENERGON_SHARED_DIR}"
    ENERGON_SOURCE_DIR="${ENERGON_SOURCE_DIR}")
  # --warn NoTests: a test whose name Catch2 cannot match (e.g. one with ';') fails instead of passing empty.
  catch_discover_tests(${T_NAME}
    EXTRA_ARGS --warn NoTests
    PROPERTIES ENVIRONMENT "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1")
endfunction()
