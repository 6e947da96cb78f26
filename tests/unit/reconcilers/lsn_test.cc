#include "reconcilers/lsn.h"

#include "gtest/gtest.h"

namespace radctl {
namespace {

TEST(LsnTest, ParsesAndFormatsRoundTrip) {
  EXPECT_EQ(ParseLsn("0/5A3F2C8"), Lsn{0x5A3F2C8});
  EXPECT_EQ(ParseLsn("16/B374D848"), Lsn{0x16B374D848});
  EXPECT_EQ(FormatLsn(0x16B374D848), "16/B374D848");
  EXPECT_EQ(FormatLsn(0), "0/0");
  EXPECT_EQ(ParseLsn("ff/ffffffff"), Lsn{0xFFFFFFFFFF});
}

TEST(LsnTest, RejectsMalformedText) {
  for (const char* bad : {"", "/", "0/", "/1", "0x1/2", "1/G", "123456789/0", "12"}) {
    EXPECT_FALSE(ParseLsn(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace radctl
