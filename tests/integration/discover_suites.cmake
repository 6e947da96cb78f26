# Run after a test binary is built (radctl_test_suites in CMakeLists.txt): writes one ctest test
# per test suite of BINARY, `SUITE` running `BINARY --gtest_filter=SUITE.*`, labelled LABEL, into
# OUTPUT. A suite's tests then run in one process and share what its SetUpTestSuite brings up.
execute_process(COMMAND "${BINARY}" --gtest_list_tests
  OUTPUT_VARIABLE listed RESULT_VARIABLE result TIMEOUT 30)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${BINARY} --gtest_list_tests failed (${result})")
endif()
string(REPLACE "\n" ";" lines "${listed}")
set(content "")
foreach(line IN LISTS lines)
  # "Suite." at the start of a line; its tests follow, indented.
  if(line MATCHES "^([A-Za-z0-9_]+)\\.$")
    set(suite "${CMAKE_MATCH_1}")
    string(APPEND content
      "add_test([=[${suite}]=] [=[${BINARY}]=] [=[--gtest_filter=${suite}.*]=])\n"
      "set_tests_properties([=[${suite}]=] PROPERTIES LABELS ${LABEL} RUN_SERIAL TRUE "
      "WORKING_DIRECTORY [=[${WORKING_DIRECTORY}]=])\n")
  endif()
endforeach()
file(WRITE "${OUTPUT}" "${content}")
