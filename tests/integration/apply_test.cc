// radctl apply / status / delete on the real engine: bring-up, writes through the endpoint and
// their replication, idempotent re-apply, convergence from partial states, delete.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/harness.h"

namespace radctl::it {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

::testing::AssertionResult RowVisibleOn(const TestCluster& cluster, int ordinal,
                                        const std::string& value) {
  return WaitFor(
      [&](std::string* observed) {
        absl::StatusOr<std::string> rows =
            cluster.QueryNode(ordinal, "SELECT string_agg(v, ',') FROM items");
        *observed = rows.ok() ? *rows : std::string(rows.status().message());
        return rows.ok() && absl::StrContains(*rows, value);
      },
      absl::Seconds(10));
}

TEST(ApplyTest, BringsUpReplicatesConvergesFromPartialStatesAndDeletes) {
  TestCluster cluster("it-apply", 3, 16543);

  CommandResult applied = cluster.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.out, HasSubstr("cluster it-apply is ready"));
  EXPECT_THAT(applied.out, HasSubstr("postgresql://app:****@127.0.0.1:16543/app"));

  // A write through the endpoint reaches the primary and replicates to both standbys.
  ASSERT_TRUE(cluster.QueryEndpoint("CREATE TABLE items (id serial PRIMARY KEY, v text)").ok());
  ASSERT_TRUE(cluster.QueryEndpoint("INSERT INTO items (v) VALUES ('first')").ok());
  EXPECT_TRUE(RowVisibleOn(cluster, 2, "first"));
  EXPECT_TRUE(RowVisibleOn(cluster, 3, "first"));

  std::string observed;
  EXPECT_TRUE(cluster.Healthy(2, &observed)) << observed;
  absl::StatusOr<nlohmann::json> status = cluster.Status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["primary"], "it-apply-pg-1");
  EXPECT_EQ((*status)["endpoint"]["port"], 16543);
  // Replication slots on the primary: one per standby, in use.
  EXPECT_EQ(
      cluster.QueryNode(1, "SELECT count(*) FROM pg_replication_slots WHERE active").value_or(""),
      "2");
  // Passwords are SCRAM, and a wrong one is refused through the endpoint.
  EXPECT_EQ(cluster
                .QueryNode(1,
                           "SELECT count(*) FROM pg_authid WHERE rolname IN ('app','repmgr') "
                           "AND rolpassword LIKE 'SCRAM-SHA-256$%'",
                           "postgres")
                .value_or(""),
            "2");
  CommandResult wrong =
      Shell("PGPASSWORD=wrong psql -X -h 127.0.0.1 -p 16543 -U app -d app -c 'SELECT 1'");
  EXPECT_NE(wrong.exit_code, 0);
  // The published ports are on loopback only.
  CommandResult ports = Shell("docker port it-apply-bouncer; docker port it-apply-pg-2");
  EXPECT_THAT(ports.out, HasSubstr("6432/tcp -> 127.0.0.1:16543"));
  EXPECT_THAT(ports.out, HasSubstr("5432/tcp -> 127.0.0.1:"));
  EXPECT_THAT(ports.out, Not(HasSubstr("0.0.0.0")));

  // Re-applying the same spec to a healthy cluster does nothing and says so.
  CommandResult again = cluster.Apply();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("up to date: nothing to do"));
  EXPECT_THAT(again.err, IsEmpty());

  // A standby container removed by hand is re-created on its volume and streams again.
  ASSERT_EQ(Shell("docker rm -f it-apply-pg-3").exit_code, 0);
  ASSERT_TRUE(cluster.QueryEndpoint("INSERT INTO items (v) VALUES ('second')").ok());
  applied = cluster.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.err, HasSubstr("re-creating it on its existing volume"));
  EXPECT_TRUE(cluster.Healthy(2, &observed)) << observed;
  EXPECT_TRUE(RowVisibleOn(cluster, 3, "second"));

  // A standby that lost its volume too (never cloned, as far as the cluster can tell) is cloned.
  ASSERT_EQ(Shell("docker rm -f it-apply-pg-2 && docker volume rm it-apply-pg-2-data").exit_code,
            0);
  applied = cluster.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.err, HasSubstr("cloning from it-apply-pg-1"));
  EXPECT_TRUE(cluster.Healthy(2, &observed)) << observed;
  EXPECT_TRUE(RowVisibleOn(cluster, 2, "second"));

  // The bouncer removed by hand is re-created and pointed at the primary.
  ASSERT_EQ(Shell("docker rm -f it-apply-bouncer").exit_code, 0);
  applied = cluster.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_TRUE(cluster.QueryEndpoint("INSERT INTO items (v) VALUES ('third')").ok());
  EXPECT_TRUE(RowVisibleOn(cluster, 2, "third"));

  // delete leaves nothing labelled as the cluster's.
  CommandResult deleted = Radctl("delete it-apply");
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_THAT(cluster.LabelledObjects("containers"), IsEmpty());
  EXPECT_THAT(cluster.LabelledObjects("networks"), IsEmpty());
  EXPECT_THAT(cluster.LabelledObjects("volumes"), IsEmpty());
  CommandResult gone = Radctl("status it-apply");
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.err, HasSubstr("not known here"));
}

TEST(ApplyTest, InvalidSpecExitsTwoAndChangesNothing) {
  TestCluster cluster("it-badspec", 3, 16544);
  std::string path = "/tmp/radctl-it-badspec-typo.yaml";
  std::ofstream(path) << "apiVersion: radctl.io/v1alpha1\nkind: PostgresCluster\n"
                         "metadata:\n  name: it-badspec\nspec:\n  node: 3\n";
  CommandResult applied = Radctl(absl::StrCat("apply -f ", path));
  EXPECT_EQ(applied.exit_code, 2);
  EXPECT_THAT(applied.err, HasSubstr(absl::StrCat(path, ":6:3: spec.node: unknown field")));
  EXPECT_THAT(applied.err, HasSubstr("nothing was changed"));
  EXPECT_THAT(cluster.LabelledObjects("containers"), IsEmpty());
  EXPECT_THAT(cluster.LabelledObjects("networks"), IsEmpty());
  std::remove(path.c_str());
}

TEST(ApplyTest, BouncerPortTakenByAnotherProgramIsASpecError) {
  TestCluster cluster("it-porttaken", 1, 16545);
  // Something else listens on the port: this test process.
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(16545);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  CommandResult applied = cluster.Apply();
  EXPECT_EQ(applied.exit_code, 2);
  EXPECT_THAT(applied.err, HasSubstr("spec.bouncer.port: 127.0.0.1:16545 is already in use"));
  EXPECT_THAT(cluster.LabelledObjects("containers"), IsEmpty());
  close(listener);
}

TEST(ApplyTest, DeleteKeepVolumesKeepsTheDataForTheNextApply) {
  TestCluster cluster("it-keep", 1, 16546);
  ASSERT_EQ(cluster.Apply().exit_code, 0);
  ASSERT_TRUE(
      cluster.QueryEndpoint("CREATE TABLE items (v text); INSERT INTO items VALUES ('kept')").ok());
  CommandResult deleted = Radctl("delete it-keep --keep-volumes");
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_THAT(cluster.LabelledObjects("containers"), IsEmpty());
  // The node's data, and the record of its primary kept with the controller's lease.
  EXPECT_THAT(cluster.LabelledObjects("volumes"), ::testing::SizeIs(2));
  CommandResult applied = cluster.Apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  absl::StatusOr<std::vector<std::vector<std::string>>> rows =
      cluster.QueryEndpoint("SELECT v FROM items");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0], "kept");
}

}  // namespace
}  // namespace radctl::it
