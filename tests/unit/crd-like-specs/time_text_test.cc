// Times as people type them: RFC 3339, and what psql prints for a timestamptz.
#include "crd-like-specs/time_text.h"

#include "gtest/gtest.h"

namespace radctl {
namespace {

absl::Time Utc(int y, int mo, int d, int h, int mi, int s, int micros = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()) +
         absl::Microseconds(micros);
}

TEST(TimeTextTest, Rfc3339AndPsqlFormsOfTheSameInstant) {
  const absl::Time want = Utc(2026, 12, 6, 3, 50, 19, 555224);
  for (const char* text : {"2026-12-06T03:50:19.555224Z", "2026-12-06 03:50:19.555224+00",
                           "2026-12-06 05:50:19.555224+02", "2026-12-06 09:20:19.555224+05:30",
                           "2026-12-06T09:20:19.555224+0530", "2026-12-05 19:50:19.555224-08",
                           "2026-12-06 03:50:19.555224+00:00:00"}) {
    std::optional<absl::Time> parsed = ParseTimeWithZone(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(*parsed, want) << text;
  }
  EXPECT_EQ(FormatRfc3339(want), "2026-12-06T03:50:19.555224+00:00");
}

TEST(TimeTextTest, ATimeWithoutItsZoneIsRefused) {
  for (const char* text : {"2026-12-06 03:50:19", "2026-12-06T03:50:19", "2026-12-06", "yesterday",
                           "2026-12-06 03:50:19+5", "2026-13-06 03:50:19+00"}) {
    EXPECT_FALSE(ParseTimeWithZone(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace radctl
