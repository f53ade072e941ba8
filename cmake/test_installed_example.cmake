cmake_policy(SET CMP0054 NEW)
# ctest: installs this build into a fresh temporary prefix, builds platform/examples/integration
# against it (find_package(EnergonVP)) and runs it; then runs the installed energon-vp, which must
# find its presets and workloads under <prefix>/share/energon-vp. Variables: BUILD_DIR, SOURCE_DIR,
# WORK_DIR, MODE (installed | fetchcontent), SANITIZE (the build's ENERGON_SANITIZE).
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(run_out "${out}" PARENT_SCOPE)
endfunction()

set(ENV{SYSTEMC_DISABLE_COPYRIGHT_MESSAGE} 1)
unset(ENV{ENERGON_VP_DATA_DIR})
if(MODE STREQUAL "installed")
  run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
  file(GLOB_RECURSE installed RELATIVE ${prefix} ${prefix}/*)
  list(LENGTH installed n)
  message(STATUS "installed ${n} files under ${prefix}")
  foreach(f lib/cmake/EnergonVP/EnergonVPConfig.cmake lib/pkgconfig/energon-vp.pc include/energon/hw/accelerator.h
            include/energon/hw/energon_regs.h include/energon/fw/energon_fw.h lib/libenergon_accelerator.a
            share/energon-vp/presets/energon-edge.yaml share/energon-vp/dram/lpddr4-4266.yaml
            share/energon-vp/energy/energon-45nm.yaml share/energon-vp/workloads/bert-base-128.yaml
            share/energon-vp/firmware/src/energon_fw.c bin/energon-vp)
    if(NOT EXISTS ${prefix}/${f})
      message(FATAL_ERROR "not installed: ${f}")
    endif()
  endforeach()
  set(configure_args -DCMAKE_PREFIX_PATH=${prefix})
else()
  set(configure_args -DENERGON_VP_SOURCE_DIR=${SOURCE_DIR})
endif()

# A sanitizer build installs instrumented libraries: the example links the sanitizer runtimes too.
set(sanitize_link "")
if(SANITIZE)
  set(sanitize_link "-fsanitize=address,undefined")
  list(APPEND configure_args "-DCMAKE_EXE_LINKER_FLAGS=${sanitize_link}")
endif()
run("configure the example" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/platform/examples/integration -B ${WORK_DIR}/example
    -DCMAKE_BUILD_TYPE=Release ${configure_args})
run("build the example" ${CMAKE_COMMAND} --build ${WORK_DIR}/example -j 2 --target soc_top)
run("run the example" ${WORK_DIR}/example/soc_top)
message(STATUS "${run_out}")
if(NOT run_out MATCHES "integration example: PASS")
  message(FATAL_ERROR "the example did not pass:\n${run_out}")
endif()

if(MODE STREQUAL "installed")
  # The installed command finds its data beside itself, not in the build or source tree.
  run("installed energon-vp --list" ${prefix}/bin/energon-vp --list)
  if(NOT run_out MATCHES "energon-edge" OR NOT run_out MATCHES "bert-base-512")
    message(FATAL_ERROR "installed energon-vp --list lacks presets or workloads:\n${run_out}")
  endif()
  run("installed energon-vp run" ${prefix}/bin/energon-vp --workload bert-base-128 --layers 1 --seq-len 32 --quiet)
  if(NOT run_out MATCHES "bit-exact vs golden: PASS")
    message(FATAL_ERROR "installed energon-vp run:\n${run_out}")
  endif()
  # Without CMake: the same example compiled and linked with pkg-config's flags alone.
  run("build the example with pkg-config" sh -c
      "c++ -O1 ${sanitize_link} -o ${WORK_DIR}/soc_top_pc ${SOURCE_DIR}/platform/examples/integration/soc_top.cpp $(PKG_CONFIG_PATH=${prefix}/lib/pkgconfig pkg-config --cflags --libs energon-vp)")
  run("run the pkg-config build" ${WORK_DIR}/soc_top_pc)
  if(NOT run_out MATCHES "integration example: PASS")
    message(FATAL_ERROR "the pkg-config build did not pass:\n${run_out}")
  endif()
endif()
message(STATUS "integration example (${MODE}): ok")
