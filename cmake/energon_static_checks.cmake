# The static checks of the suite (docs/hardening.md "Static analysis"): clang-format on every C/C++
# source (scripts/check-format.sh) and clang-tidy (.clang-tidy) on every translation unit of this
# build's compile_commands.json. Skipped, saying so, where the tools are not installed.
option(ENERGON_STATIC_CHECKS "Register the clang-format and clang-tidy tests" ${ENERGON_BUILD_TESTS})
if(NOT (ENERGON_BUILD_TESTS AND ENERGON_STATIC_CHECKS))
  return()
endif()
add_test(NAME static_format_check COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-format.sh)
set_tests_properties(static_format_check PROPERTIES SKIP_RETURN_CODE 77 LABELS static)

find_program(ENERGON_RUN_CLANG_TIDY NAMES run-clang-tidy-14 run-clang-tidy)
if(ENERGON_RUN_CLANG_TIDY)
  # Two clang-tidy processes; ctest counts them (PROCESSORS) so it does not start more beside them.
  # -w: compiler warnings are the compiler's job (GCC, -Werror in CI); clang-tidy reports its checks.
  add_test(NAME static_analysis_clang_tidy
    COMMAND ${ENERGON_RUN_CLANG_TIDY} -p ${PROJECT_BINARY_DIR} -quiet -j 2 -extra-arg=-w
            "^${PROJECT_SOURCE_DIR}/(modules|platform|testbenches|workloads)/")
  set_tests_properties(static_analysis_clang_tidy PROPERTIES LABELS static PROCESSORS 2 TIMEOUT 3000)
else()
  add_test(NAME static_analysis_clang_tidy COMMAND sh -c "echo 'clang-tidy not installed (Debian package clang-tidy)'; exit 77")
  set_tests_properties(static_analysis_clang_tidy PROPERTIES SKIP_RETURN_CODE 77 LABELS static)
endif()
