# Per-target build settings and export bookkeeping. Nothing here touches a directory or global
# property that a parent project would inherit.

# The bit-exact float softmax needs these on every target of this project: no fused
# multiply-add contraction, never -ffast-math.
set(ENERGON_NUMERIC_FLAGS -ffp-contract=off -fno-fast-math)
set(ENERGON_WARNING_FLAGS -Wall -Wextra -Wpedantic)

# Applies the project's compile settings to every target defined below `dir`, privately:
# C++17 (SystemC 2.3.4 from Debian is built for C++17 only; other standards fail to link), C11,
# the numeric flags, warnings (-Werror with ENERGON_WERROR) and the sanitizers (ENERGON_SANITIZE).
function(energon_apply_target_flags dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
      continue()
    endif()
    target_compile_features(${t} PUBLIC cxx_std_17)
    set_target_properties(${t} PROPERTIES CXX_EXTENSIONS OFF C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
    target_compile_options(${t} PRIVATE ${ENERGON_NUMERIC_FLAGS} ${ENERGON_WARNING_FLAGS}
      $<$<BOOL:${ENERGON_WERROR}>:-Werror>)
    if(ENERGON_SANITIZE)
      target_compile_options(${t} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
      # GCC's sanitizer link line turns --as-needed off; back on, a test that uses no SystemC
      # symbol does not get libsystemc (whose main() wants an sc_main), as in the normal build.
      target_link_options(${t} PRIVATE -fsanitize=address,undefined -Wl,--as-needed)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(s IN LISTS subdirs)
    energon_apply_target_flags(${s})
  endforeach()
endfunction()

# energon_export(<target> <name>): the target becomes energon::<name> for users inside this build
# (add_subdirectory, FetchContent) and in the installed package (find_package(EnergonVP)). Its
# public include folders are used from the source tree while building and from <prefix>/include
# once installed, where energon_install.cmake copies them.
function(energon_export target name)
  add_library(energon::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  get_target_property(includes ${target} INTERFACE_INCLUDE_DIRECTORIES)
  if(NOT includes)
    set(includes "")
  endif()
  set(wrapped "")
  foreach(dir IN LISTS includes)
    if(dir MATCHES "^\\$<")
      list(APPEND wrapped "${dir}")
    else()
      list(APPEND wrapped "$<BUILD_INTERFACE:${dir}>")
      set_property(GLOBAL APPEND PROPERTY ENERGON_EXPORTED_INCLUDE_DIRS "${dir}")
    endif()
  endforeach()
  list(APPEND wrapped "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${wrapped}")
  set_property(GLOBAL APPEND PROPERTY ENERGON_EXPORTED_TARGETS ${target})
endfunction()

# Data folders the commands look up by name, staged in the build tree as <build>/share/energon-vp
# (links to the source folders, so edits show at once) with the same layout as the installed
# <prefix>/share/energon-vp.
set(ENERGON_DATA_FOLDERS
  "presets=platform/presets"
  "dram=modules/dram/presets"
  "energy=modules/energy/tables"
  "workloads=workloads/models")

function(energon_stage_data)
  set(stage ${PROJECT_BINARY_DIR}/${ENERGON_DATA_SUBDIR})
  file(MAKE_DIRECTORY ${stage})
  foreach(entry IN LISTS ENERGON_DATA_FOLDERS)
    string(REPLACE "=" ";" pair "${entry}")
    list(GET pair 0 name)
    list(GET pair 1 src)
    if(NOT EXISTS ${stage}/${name})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${src} ${stage}/${name} SYMBOLIC)
    endif()
  endforeach()
endfunction()

# The layering rule as a build check: no library under modules/ or platform/ links, directly or
# through another library, the golden model or the checks built on it (docs/architecture.md).
function(_energon_link_closure target out)
  set(seen ${${out}})
  get_target_property(libs ${target} LINK_LIBRARIES)
  if(NOT libs)
    set(libs "")
  endif()
  foreach(lib IN LISTS libs)
    if(TARGET ${lib} AND NOT lib IN_LIST seen)
      list(APPEND seen ${lib})
      get_target_property(imported ${lib} IMPORTED)
      if(NOT imported)
        _energon_link_closure(${lib} seen)
      endif()
    endif()
  endforeach()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

function(energon_check_layers dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    if(type MATCHES "LIBRARY$" AND NOT type STREQUAL "INTERFACE_LIBRARY")
      set(closure "")
      _energon_link_closure(${t} closure)
      foreach(forbidden energon_golden energon_llm_eval energon_checks)
        if(forbidden IN_LIST closure)
          message(FATAL_ERROR "layering: ${t} (${dir}) links ${forbidden}; only commands and testbenches may")
        endif()
      endforeach()
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(s IN LISTS subdirs)
    energon_check_layers(${s})
  endforeach()
endfunction()
