// LoadClusterSpecFile: reading errors map to NotFound etc.; an invalid file is one
// InvalidArgument listing every error.
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "crd-like-specs/spec_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

// Writes `text` to a file of its own under the test's temporary directory.
std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "radctl_spec_file_test_" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

TEST(LoadClusterSpecFileTest, ReadsAValidFileAndRecordsItsName) {
  std::string path = WriteTempFile("valid.yaml",
                                   "apiVersion: radctl.io/v1alpha1\n"
                                   "kind: PostgresCluster\n"
                                   "metadata: {name: filed}\n"
                                   "spec: {nodes: 2}\n");
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile(path);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->name, "filed");
  EXPECT_EQ(spec->nodes, 2);
  EXPECT_EQ(spec->source, path);
  EXPECT_EQ(spec->positions.at("spec.nodes").line, 4);
}

TEST(LoadClusterSpecFileTest, MissingFileIsNotFound) {
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile("/nonexistent/demo.yaml");
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(spec.status().message()),
            "cannot read spec file /nonexistent/demo.yaml: No such file or directory");
}

TEST(LoadClusterSpecFileTest, DirectoryIsAnErrorNotAnEmptySpec) {
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile(::testing::TempDir());
  EXPECT_FALSE(spec.ok());
  EXPECT_NE(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(spec.status().message()),
            "cannot read spec file " + ::testing::TempDir() + ": Is a directory");
}

TEST(LoadClusterSpecFileTest, InvalidFileListsEveryErrorOnItsOwnLine) {
  std::string path = WriteTempFile("invalid.yaml",
                                   "apiVersion: radctl.io/v1alpha1\n"
                                   "kind: PostgresCluster\n"
                                   "metadata: {name: demo}\n"
                                   "spec:\n"
                                   "  node: 3\n"
                                   "  bouncer: {port: 70000}\n");
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile(path);
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(spec.status().message()),
            "spec file " + path + " is invalid (2 errors); nothing was changed:\n  " + path +
                ":5:3: spec.node: unknown field \"node\"; did you mean \"nodes\"?\n  " + path +
                ":6:19: spec.bouncer.port: must be between 1 and 65535, got 70000");
}

TEST(LoadClusterSpecFileTest, OneErrorIsSingular) {
  std::string path = WriteTempFile("empty.yaml", "");
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile(path);
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(spec.status().message()),
            "spec file " + path + " is invalid (1 error); nothing was changed:\n  " + path +
                ": the file is empty; expected a PostgresCluster spec");
}

}  // namespace
}  // namespace radctl

namespace radctl {
namespace {

std::string SpecWithPasswordFile(const std::string& name, const std::string& file) {
  return WriteTempFile(name,
                       "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\n"
                       "metadata: {name: demo}\nspec:\n  auth:\n    passwordFile: " +
                           file + "\n");
}

TEST(LoadClusterSpecFileTest, PasswordFileIsReadBesideTheSpec) {
  WriteTempFile("pw-secret", "correct-horse-battery\n");
  absl::StatusOr<ClusterSpec> spec =
      LoadClusterSpecFile(SpecWithPasswordFile("pw.yaml", "radctl_spec_file_test_pw-secret"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->auth.password, "correct-horse-battery");  // the newline left out
  EXPECT_EQ(spec->auth.password_file, "radctl_spec_file_test_pw-secret");
}

TEST(LoadClusterSpecFileTest, APasswordFileThatCannotServeSaysWhereAndNeverThePassword) {
  std::string missing = SpecWithPasswordFile("pw-missing.yaml", "/nonexistent/secret");
  absl::StatusOr<ClusterSpec> spec = LoadClusterSpecFile(missing);
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(spec.status().message()),
              ::testing::HasSubstr(missing + ":6:19: spec.auth.passwordFile: cannot read "
                                             "password file /nonexistent/secret: No such file"));
  WriteTempFile("pw-short", "short\n");
  spec = LoadClusterSpecFile(SpecWithPasswordFile(
      "pw-short.yaml", ::testing::TempDir() + "radctl_spec_file_test_pw-short"));
  EXPECT_THAT(std::string(spec.status().message()),
              ::testing::HasSubstr("must be at least 8 characters"));
  EXPECT_THAT(std::string(spec.status().message()),
              ::testing::Not(::testing::HasSubstr("short\"")));
}

}  // namespace
}  // namespace radctl
