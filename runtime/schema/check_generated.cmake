#===- check_generated.cmake - the generated header matches the schema -------===#
#
# cmake -DFLATC=<flatc or empty> -DSCHEMA=<module.fbs> -DHEADER=<checked-in
#       module_generated.h> -DOUT=<scratch dir> -P check_generated.cmake
#
# Without flatc it prints "flatc not found" (the ctest's
# SKIP_REGULAR_EXPRESSION: skipped, not failed); fails when flatc's output
# differs.
# To update the header: flatc --cpp -o runtime/lib runtime/schema/module.fbs
#
#===-------------------------------------------------------------------------===#

if(NOT FLATC OR NOT EXISTS "${FLATC}")
  message("flatc not found: not checking ${HEADER} against ${SCHEMA}")
  return()
endif()
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
execute_process(COMMAND "${FLATC}" --cpp -o "${OUT}" "${SCHEMA}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "flatc failed on ${SCHEMA} (exit ${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files
                "${OUT}/module_generated.h" "${HEADER}" RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "${HEADER} is not flatc's output for ${SCHEMA}: "
          "regenerate it with `flatc --cpp -o runtime/lib runtime/schema/module.fbs`")
endif()
message("${HEADER} matches ${SCHEMA}")
