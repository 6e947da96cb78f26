// pgBackRest's `info --output=json` decoded, on literal JSON as pgBackRest 2.45 writes it; and
// sizes for people.
#include "controller/operations/backup_info.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl {
namespace {

using ::testing::HasSubstr;

constexpr char kTwoBackups[] = R"([{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1",
"max":"000000020000000000000009","min":"000000010000000000000003"}],
"backup":[{"archive":{"start":"000000010000000000000003","stop":"000000010000000000000003"},
"backrest":{"format":5,"version":"2.45"},"database":{"id":1,"repo-key":1},"error":false,
"info":{"delta":23963455,"repository":{"delta":2986839,"size":2986839},"size":23963455},
"label":"20270115-080000F","link":null,"lsn":{"start":"0/3000028","stop":"0/3000100"},
"prior":null,"reference":null,"tablespace":null,
"timestamp":{"start":1800000000,"stop":1800000003},"type":"full"},
{"archive":{"start":"000000020000000000000008","stop":"000000020000000000000008"},
"backrest":{"format":5,"version":"2.45"},"database":{"id":1,"repo-key":1},"error":true,
"info":{"delta":1,"repository":{"delta":1,"size":1},"size":1},
"label":"20270115-090000F","lsn":{"start":"0/8000028","stop":"0/8000100"},
"timestamp":{"start":1800003600,"stop":1800003603},"type":"full"},
{"archive":{"start":"000000020000000000000009","stop":"000000020000000000000009"},
"backrest":{"format":5,"version":"2.45"},"database":{"id":1,"repo-key":1},"error":false,
"info":{"delta":24000000,"repository":{"delta":3000000,"size":3000000},"size":24000000},
"label":"20270115-100000F","lsn":{"start":"0/9000028","stop":"0/9000100"},
"timestamp":{"start":1800007200,"stop":1800007204},"type":"full"}],
"cipher":"none","db":[{"id":1,"repo-key":1,"system-id":7363,"version":"15"}],"name":"demo",
"repo":[{"cipher":"none","key":1,"status":{"code":0,"message":"ok"}}],
"status":{"code":0,"lock":{"backup":{"held":true}},"message":"ok"}}])";

constexpr char kNoStanza[] = R"([{"archive":[],"backup":[],"cipher":"none","db":[],
"name":"demo","repo":[{"cipher":"none","key":1,"status":{"code":1,
"message":"missing stanza path"}}],"status":{"code":1,"lock":{"backup":{"held":false}},
"message":"missing stanza path"}}])";

TEST(DecodeBackupInfoTest, BackupsOldestFirstWithoutFailedOnes) {
  absl::StatusOr<BackupInfo> info = DecodeBackupInfo(kTwoBackups, "demo");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->stanza_exists);
  EXPECT_TRUE(info->backup_running);
  ASSERT_EQ(info->backups.size(), 2u);
  const BackupRecord& first = info->backups[0];
  EXPECT_EQ(first.label, "20270115-080000F");
  EXPECT_EQ(first.type, "full");
  EXPECT_EQ(first.stop, absl::FromUnixSeconds(1800000003));
  EXPECT_EQ(first.size, 23963455);
  EXPECT_EQ(first.repo_size, 2986839);
  EXPECT_EQ(first.lsn_stop, Lsn{0x3000100});
  EXPECT_EQ(first.wal_start, "000000010000000000000003");
  EXPECT_EQ(info->backups[1].label, "20270115-100000F");
  EXPECT_EQ(info->archive_min, "000000010000000000000003");
  EXPECT_EQ(info->archive_max, "000000020000000000000009");
}

TEST(DecodeBackupInfoTest, MissingStanzaIsNoStanza) {
  absl::StatusOr<BackupInfo> info = DecodeBackupInfo(kNoStanza, "demo");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_FALSE(info->stanza_exists);
  EXPECT_EQ(info->status_message, "missing stanza path");
  EXPECT_TRUE(info->backups.empty());
}

TEST(DecodeBackupInfoTest, OtherStanzaOrGarbageIsAnError) {
  EXPECT_THAT(DecodeBackupInfo(kNoStanza, "other").status().message(), HasSubstr("other"));
  EXPECT_EQ(DecodeBackupInfo("ERROR: [041]: unable to open", "demo").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HumanBytesTest, PowersOf1024) {
  EXPECT_EQ(HumanBytes(12), "12 B");
  EXPECT_EQ(HumanBytes(800 * 1024), "800 kB");
  EXPECT_EQ(HumanBytes(int64_t{5} << 20), "5.00 MB");
  EXPECT_EQ(HumanBytes(int64_t{1536} << 20), "1.50 GB");
}

}  // namespace
}  // namespace radctl
