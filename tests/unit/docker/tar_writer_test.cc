#include "controller/clients/docker/tar_writer.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::docker {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMtime = 1700000000;  // 014524770400 in octal

// The text of a NUL-terminated header field.
std::string Field(absl::string_view header, size_t offset, size_t width) {
  const absl::string_view field = header.substr(offset, width);
  return std::string(field.substr(0, field.find('\0')));
}

// The sum of the header's bytes with the checksum field read as spaces, as tar computes it.
unsigned int Checksum(absl::string_view header) {
  unsigned int sum = 0;
  for (size_t i = 0; i < 512; ++i) {
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
  }
  return sum;
}

TEST(MakeTarTest, FileHeaderFieldsAndPadding) {
  absl::StatusOr<std::string> tar =
      MakeTar({{"data/pg_hba.conf", "local all all peer\n", 0600, 999, 998}}, kMtime);
  ASSERT_TRUE(tar.ok()) << tar.status();
  // Header, content padded to a block, two zero blocks.
  ASSERT_EQ(tar->size(), 512u + 512u + 1024u);
  const absl::string_view header = absl::string_view(*tar).substr(0, 512);
  EXPECT_EQ(Field(header, 0, 100), "data/pg_hba.conf");
  EXPECT_EQ(Field(header, 100, 8), "0000600");
  EXPECT_EQ(Field(header, 108, 8), "0001747");       // 999
  EXPECT_EQ(Field(header, 116, 8), "0001746");       // 998
  EXPECT_EQ(Field(header, 124, 12), "00000000023");  // 19 bytes
  EXPECT_EQ(Field(header, 136, 12), "14524770400");
  EXPECT_EQ(header[156], '0');
  EXPECT_EQ(header.substr(257, 6), absl::string_view("ustar\0", 6));
  EXPECT_EQ(header.substr(263, 2), "00");
  EXPECT_EQ(Field(header, 345, 155), "");
  EXPECT_EQ(std::strtoul(Field(header, 148, 8).c_str(), nullptr, 8), Checksum(header));
  EXPECT_EQ(header[148 + 7], ' ');

  EXPECT_EQ(tar->substr(512, 19), "local all all peer\n");
  EXPECT_EQ(tar->substr(512 + 19), std::string(512 - 19 + 1024, '\0'));
}

TEST(MakeTarTest, ContentOfExactlyOneBlockGetsNoPadding) {
  absl::StatusOr<std::string> tar = MakeTar({{"a", std::string(512, 'x')}}, kMtime);
  ASSERT_TRUE(tar.ok()) << tar.status();
  EXPECT_EQ(tar->size(), 512u + 512u + 1024u);
}

TEST(MakeTarTest, EmptyFileAndNoFiles) {
  absl::StatusOr<std::string> tar = MakeTar({{"empty", ""}}, kMtime);
  ASSERT_TRUE(tar.ok()) << tar.status();
  EXPECT_EQ(tar->size(), 512u + 1024u);

  tar = MakeTar({}, kMtime);
  ASSERT_TRUE(tar.ok()) << tar.status();
  EXPECT_EQ(*tar, std::string(1024, '\0'));
}

TEST(MakeTarTest, DirectoriesGetTypeflagFiveAndTheSearchBit) {
  absl::StatusOr<std::string> tar =
      MakeTar({{"conf.d/", "", 0644, 999, 999}, {"private/", "", 0700}}, kMtime);
  ASSERT_TRUE(tar.ok()) << tar.status();
  ASSERT_EQ(tar->size(), 512u + 512u + 1024u);
  const absl::string_view archive(*tar);
  EXPECT_EQ(Field(archive.substr(0, 512), 0, 100), "conf.d/");
  EXPECT_EQ(archive[156], '5');
  EXPECT_EQ(Field(archive.substr(0, 512), 100, 8), "0000755");
  EXPECT_EQ(Field(archive.substr(0, 512), 124, 12), "00000000000");
  EXPECT_EQ(Field(archive.substr(512, 512), 100, 8), "0000700");
}

TEST(MakeTarTest, LongPathsSplitIntoPrefixAndName) {
  const std::string dir(120, 'd');
  const std::string name(90, 'n');
  absl::StatusOr<std::string> tar = MakeTar({{dir + "/" + name, "x"}}, kMtime);
  ASSERT_TRUE(tar.ok()) << tar.status();
  const absl::string_view header = absl::string_view(*tar).substr(0, 512);
  EXPECT_EQ(Field(header, 0, 100), name);
  EXPECT_EQ(Field(header, 345, 155), dir);
}

TEST(MakeTarTest, RefusesPathsItCannotOrMustNotWrite) {
  const struct {
    FileToUpload file;
    std::string error;
  } rows[] = {
      {{"", "x"}, "empty path"},
      {{"/etc/passwd", "x"}, "relative to the destination"},
      {{"a/../../etc/passwd", "x"}, "would leave the destination"},
      {{"conf.d/", "x"}, "a directory has no content"},
      {{std::string(101, 'n'), "x"}, "path too long"},
      {{std::string(156, 'd') + "/n", "x"}, "path too long"},
      {{"big-uid", "x", 0644, 1 << 22}, "uid 4194304 does not fit"},
  };
  for (const auto& row : rows) {
    absl::StatusOr<std::string> tar = MakeTar({row.file}, kMtime);
    EXPECT_EQ(tar.status().code(), absl::StatusCode::kInvalidArgument) << row.file.path;
    EXPECT_THAT(tar.status().message(), HasSubstr(row.error)) << row.file.path;
  }
}

// GNU tar reads the archive back: checksums, types, owners and sizes as written.
TEST(MakeTarTest, GnuTarListsTheArchive) {
  absl::StatusOr<std::string> tar =
      MakeTar({{"conf.d/", "", 0700, 999, 999},
               {"conf.d/postgresql.conf", "port = 5432\n", 0600, 999, 999}},
              kMtime);
  ASSERT_TRUE(tar.ok()) << tar.status();
  const std::string path = ::testing::TempDir() + "/tar_writer_test.tar";
  std::ofstream(path, std::ios::binary) << *tar;

  const std::string command = "tar -tv --numeric-owner -f " + path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string listing;
  std::array<char, 256> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) listing += buffer.data();
  EXPECT_EQ(pclose(pipe), 0) << listing;
  unlink(path.c_str());

  EXPECT_THAT(listing, HasSubstr("drwx------ 999/999"));
  EXPECT_THAT(listing, HasSubstr("conf.d/\n"));
  EXPECT_THAT(listing, HasSubstr("-rw------- 999/999"));
  EXPECT_THAT(listing, HasSubstr(" 12 "));
  EXPECT_THAT(listing, HasSubstr("conf.d/postgresql.conf\n"));
}

}  // namespace
}  // namespace radctl::docker
