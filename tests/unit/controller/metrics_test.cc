#include "controller/reporting/metrics.h"

#include <cstring>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/reconcilers/observed_state_builder.h"

namespace radctl {
namespace {

using ::radctl::testing::DemoSpec;

using ::radctl::testing::ObservedStateBuilder;
using ::radctl::testing::Snapshot;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, EveryMetricHasHelpAndTypeBeforeItsSamples) {
  Metrics metrics("demo");
  metrics.RecordReconcile(absl::Milliseconds(7), false, absl::FromUnixSeconds(1800000000));
  metrics.RecordAction(ActionType::kFailover, true);
  metrics.RecordObservation(
      DemoSpec(), ObservedStateBuilder(DemoSpec()).Primary(2).Standby(1, 2).Build(), true);
  std::string text = RenderPrometheusText(metrics.Snapshot());
  std::set<std::string> declared;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "# TYPE ")) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      ASSERT_EQ(parts.size(), 4u) << line;
      EXPECT_THAT(parts[3], ::testing::AnyOf("gauge", "counter", "histogram")) << line;
      declared.insert(parts[2]);
      continue;
    }
    if (absl::StartsWith(line, "# HELP ")) continue;
    // A sample: name{labels} value; its family must be declared before it.
    std::string name(line.substr(0, line.find('{')));
    std::string family = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      if (absl::EndsWith(name, suffix) &&
          declared.count(name.substr(0, name.size() - strlen(suffix)))) {
        family = name.substr(0, name.size() - strlen(suffix));
      }
    }
    EXPECT_TRUE(declared.count(family)) << "sample before its TYPE line: " << line;
    EXPECT_TRUE(absl::StartsWith(name, "radctl_")) << line;
  }
}

TEST(MetricsTest, ValuesFollowWhatWasRecorded) {
  Metrics metrics("demo");
  metrics.RecordReconcile(absl::Milliseconds(7), false, absl::FromUnixSeconds(1800000000));
  metrics.RecordReconcile(absl::Seconds(3), true, absl::FromUnixSeconds(1800000000));
  metrics.RecordAction(ActionType::kFailover, true);
  metrics.RecordAction(ActionType::kFailover, false);
  metrics.RecordAction(ActionType::kSwitchover, true);
  Snapshot observed = ObservedStateBuilder(DemoSpec())
                          .Primary(2, 0x5000100)
                          .Standby(1, 2, 0x5000000)
                          .Down(3, DataDir::kPrimary)
                          .Build();
  observed.bouncer.clients_active = 4;
  metrics.RecordObservation(DemoSpec(), observed, true);
  std::string text = RenderPrometheusText(metrics.Snapshot());
  EXPECT_THAT(text, HasSubstr("radctl_failovers_total{cluster=\"demo\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("radctl_switchovers_total{cluster=\"demo\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("radctl_reconcile_runs_total{cluster=\"demo\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("radctl_reconcile_errors_total{cluster=\"demo\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "radctl_actions_total{cluster=\"demo\",action=\"failover\",result=\"failure\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("radctl_nodes{cluster=\"demo\",role=\"primary\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("radctl_nodes{cluster=\"demo\",role=\"fenced\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("radctl_primary_ordinal{cluster=\"demo\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("radctl_replication_lag_bytes{cluster=\"demo\",node=\"demo-pg-1\"} 256\n"));
  EXPECT_THAT(
      text, HasSubstr("radctl_bouncer_client_connections{cluster=\"demo\",state=\"active\"} 4\n"));
  // Histogram: cumulative buckets, +Inf equals the count.
  EXPECT_THAT(
      text,
      HasSubstr("radctl_reconcile_duration_seconds_bucket{cluster=\"demo\",le=\"0.01\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("radctl_reconcile_duration_seconds_bucket{cluster=\"demo\",le=\"5\"} 2\n"));
  EXPECT_THAT(
      text,
      HasSubstr("radctl_reconcile_duration_seconds_bucket{cluster=\"demo\",le=\"+Inf\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("radctl_reconcile_duration_seconds_count{cluster=\"demo\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("radctl_up{cluster=\"demo\"} 1\n"));
}

TEST(MetricsTest, BackupMetricsOnlyForClustersWithBackups) {
  ClusterSpec spec = DemoSpec(1);
  Metrics without("demo");
  without.RecordObservation(spec, ObservedStateBuilder(spec).Primary(1).Build(), true);
  EXPECT_THAT(RenderPrometheusText(without.Snapshot()), Not(HasSubstr("radctl_backup_")));

  spec.backup.enabled = true;
  BackupRecord newest;
  newest.start = absl::FromUnixSeconds(1800000000);
  newest.stop = absl::FromUnixSeconds(1800000012);
  newest.size = 1 << 20;
  ArchiverStats archiver;
  archiver.archived_count = 42;
  archiver.failed_count = 3;
  archiver.ready_segments = 2;
  Metrics with("demo");
  with.RecordObservation(spec,
                         ObservedStateBuilder(spec)
                             .Primary(1)
                             .Repository(1)
                             .Backups(true, {newest})
                             .Archiver(1, archiver)
                             .Build(),
                         true);
  std::string text = RenderPrometheusText(with.Snapshot());
  EXPECT_THAT(text, HasSubstr("radctl_backup_last_success_timestamp_seconds{cluster=\"demo\"} "
                              "1800000012"));
  EXPECT_THAT(text, HasSubstr("radctl_backup_last_duration_seconds{cluster=\"demo\"} 12"));
  EXPECT_THAT(text, HasSubstr("radctl_backup_last_size_bytes{cluster=\"demo\"} 1048576"));
  EXPECT_THAT(text, HasSubstr("radctl_wal_archived_total{cluster=\"demo\"} 42"));
  EXPECT_THAT(text, HasSubstr("radctl_wal_archive_failures_total{cluster=\"demo\"} 3"));
  EXPECT_THAT(text, HasSubstr("radctl_wal_archive_waiting_bytes{cluster=\"demo\"} 33554432"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  MetricsSnapshot snapshot;
  snapshot.cluster = "we\"ird";
  EXPECT_THAT(RenderPrometheusText(snapshot), HasSubstr("radctl_up{cluster=\"we\\\"ird\"} 0\n"));
}

TEST(MetricsTest, MergedTextsDeclareEachFamilyOnceWithEveryClustersSamplesAfterIt) {
  std::vector<std::string> texts;
  for (const char* cluster : {"alpha", "beta"}) {
    Metrics metrics(cluster);
    metrics.RecordReconcile(absl::Milliseconds(7), false, absl::FromUnixSeconds(1800000000));
    metrics.RecordObservation(
        DemoSpec(), ObservedStateBuilder(DemoSpec()).Primary(1).Standby(2, 1).Build(), true);
    texts.push_back(RenderPrometheusText(metrics.Snapshot()));
  }
  std::string merged = MergePrometheusTexts(texts);

  // Families are contiguous: once the next TYPE line comes, the previous family never returns.
  std::vector<std::string> families;
  std::set<std::string> samples;
  for (absl::string_view line : absl::StrSplit(merged, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "# TYPE ")) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      EXPECT_THAT(families, ::testing::Not(::testing::Contains(parts[2]))) << line;
      families.push_back(parts[2]);
    } else if (!absl::StartsWith(line, "# HELP ")) {
      ASSERT_FALSE(families.empty()) << line;
      EXPECT_TRUE(absl::StartsWith(line, families.back())) << "outside its family: " << line;
      samples.insert(std::string(line));
    }
  }
  // Nothing lost: every sample of each cluster is there.
  for (const std::string& text : texts) {
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      if (!absl::StartsWith(line, "#")) {
        EXPECT_TRUE(samples.count(std::string(line))) << line;
      }
    }
  }
  EXPECT_THAT(merged, HasSubstr("radctl_up{cluster=\"alpha\"} 1\nradctl_up{cluster=\"beta\"} 1\n"));
}

}  // namespace
}  // namespace radctl

namespace radctl {
namespace {

TEST(MetricsReadTest, BackendsPerEndpointAndTheReadFallback) {
  ClusterSpec spec = ::radctl::testing::DemoSpec();
  spec.bouncer.read_port = 6544;
  Metrics metrics("demo");
  metrics.RecordObservation(spec,
                            ::radctl::testing::ObservedStateBuilder(spec)
                                .Primary(1)
                                .Standby(2, 1)
                                .BouncerTarget(1)
                                .ReadBouncer({1})
                                .Build(),
                            true);
  std::string text = RenderPrometheusText(metrics.Snapshot());
  EXPECT_THAT(text, HasSubstr("radctl_endpoint_backends{cluster=\"demo\",endpoint=\"write\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("radctl_endpoint_backends{cluster=\"demo\",endpoint=\"read\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("radctl_read_endpoint_fallback{cluster=\"demo\"} 1\n"));

  Metrics without("demo");
  without.RecordObservation(
      ::radctl::testing::DemoSpec(),
      ::radctl::testing::ObservedStateBuilder(::radctl::testing::DemoSpec()).Primary(1).Build(),
      true);
  std::string plain = RenderPrometheusText(without.Snapshot());
  EXPECT_THAT(plain, Not(HasSubstr("endpoint=\"read\"")));
  EXPECT_THAT(plain, Not(HasSubstr("radctl_read_endpoint_fallback")));
}

}  // namespace
}  // namespace radctl
