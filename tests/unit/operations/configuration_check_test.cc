// Which spec field a configuration error from Postgres is about.
#include "controller/operations/configuration_check.h"

#include "controller/config/node_config.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

ClusterSpec SpecWith(std::map<std::string, std::string> parameters) {
  ClusterSpec spec;
  spec.name = "demo";
  spec.postgres.parameters = std::move(parameters);
  return spec;
}

TEST(ConfigurationCheckTest, AnInvalidValueNamesItsParameter) {
  ClusterSpec spec = SpecWith({{"work_mem", "10 apples"}});
  EXPECT_EQ(FieldOfConfigurationError(
                spec, RenderPostgresqlConf(spec),
                "invalid value for parameter \"work_mem\": \"10 apples\"; hint: Valid units for "
                "this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\"."),
            "spec.postgres.parameters.work_mem");
}

TEST(ConfigurationCheckTest, ASyntaxErrorNamesTheParameterOnItsLine) {
  ClusterSpec spec = SpecWith({{"search_path", "x"}});
  std::string conf = RenderPostgresqlConf(spec);
  int line = 0;
  int count = 1;
  for (size_t at = 0; at < conf.size(); ++at) {
    if (conf.compare(at, 14, "search_path = ") == 0 && (at == 0 || conf[at - 1] == '\n')) {
      line = count;
    }
    if (conf[at] == '\n') ++count;
  }
  ASSERT_GT(line, 0);
  EXPECT_EQ(
      FieldOfConfigurationError(spec, conf,
                                "syntax error in file \"/tmp/radctl-check/postgresql.conf\" line " +
                                    std::to_string(line) + ", near token \"'\""),
      "spec.postgres.parameters.search_path");
}

TEST(ConfigurationCheckTest, TheSlotLimitIsItsOwnSpecField) {
  ClusterSpec spec = SpecWith({});
  EXPECT_EQ(FieldOfConfigurationError(spec, RenderPostgresqlConf(spec),
                                      "invalid value for parameter \"max_slot_wal_keep_size\""),
            "spec.replication.maxSlotWalKeepSize");
  EXPECT_EQ(FieldOfConfigurationError(spec, RenderPostgresqlConf(spec), "out of memory"), "");
}

}  // namespace
}  // namespace radctl
