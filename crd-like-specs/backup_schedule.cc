#include "crd-like-specs/backup_schedule.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace radctl {
namespace {

struct CronFieldRange {
  const char* name;
  int min;
  int max;
};
constexpr CronFieldRange kFields[] = {
    {"minute", 0, 59}, {"hour", 0, 23},       {"day of month", 1, 31},
    {"month", 1, 12},  {"day of week", 0, 7},
};

absl::Status ScheduleFieldError(int index, absl::string_view part, const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("cron field %d (%s) \"%s\": %s", index + 1, kFields[index].name, part, what));
}

bool ParseNumber(absl::string_view text, int* value) {
  return !text.empty() && std::all_of(text.begin(), text.end(), absl::ascii_isdigit) &&
         text.size() <= 3 && absl::SimpleAtoi(text, value);
}

// One field: a comma list of "*", "N", "A-B", each optionally "/STEP". Sets the allowed values.
absl::Status ParseCronField(int index, absl::string_view text, std::vector<bool>& allowed,
                            bool* restricted) {
  const CronFieldRange& range = kFields[index];
  allowed.assign(range.max + 1, false);
  *restricted = text != "*";
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    std::vector<absl::string_view> step_split = absl::StrSplit(part, absl::MaxSplits('/', 1));
    int step = 1;
    if (step_split.size() == 2 && (!ParseNumber(step_split[1], &step) || step < 1)) {
      return ScheduleFieldError(index, part, "the step after / must be a positive number");
    }
    absl::string_view span = step_split[0];
    int low = range.min;
    int high = range.max;
    if (span != "*") {
      std::vector<absl::string_view> bounds = absl::StrSplit(span, absl::MaxSplits('-', 1));
      if (!ParseNumber(bounds[0], &low) || (bounds.size() == 2 && !ParseNumber(bounds[1], &high))) {
        return ScheduleFieldError(index, part, "expected *, a number, or a range such as 1-5");
      }
      if (bounds.size() == 1) high = step_split.size() == 2 ? range.max : low;
    }
    if (low < range.min || high > range.max || low > high) {
      return ScheduleFieldError(index, part,
                                absl::StrFormat("must be within %d-%d", range.min, range.max));
    }
    for (int value = low; value <= high; value += step) allowed[value] = true;
  }
  return absl::OkStatus();
}

template <size_t N>
void Copy(const std::vector<bool>& from, std::bitset<N>& to) {
  for (size_t i = 0; i < N && i < from.size(); ++i) to[i] = from[i];
}

absl::StatusOr<absl::Duration> ParseInterval(absl::string_view text) {
  if (text.size() < 2) return absl::InvalidArgumentError("too short");
  char unit = text.back();
  int64_t count = 0;
  absl::string_view digits = text.substr(0, text.size() - 1);
  if (!std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, &count) || count > 100000) {
    return absl::InvalidArgumentError("not a number");
  }
  switch (unit) {
    case 's':
      return absl::Seconds(count);
    case 'm':
      return absl::Minutes(count);
    case 'h':
      return absl::Hours(count);
    case 'd':
      return absl::Hours(24 * count);
    default:
      return absl::InvalidArgumentError("unknown unit");
  }
}

bool DayMatches(const BackupSchedule& s, const absl::CivilDay& day) {
  bool by_day = s.days[day.day()];
  int weekday = (static_cast<int>(absl::GetWeekday(day)) + 1) % 7;  // absl: Monday 0
  bool by_weekday = s.weekdays[weekday];
  if (s.days_restricted && s.weekdays_restricted) return by_day || by_weekday;
  return by_day && by_weekday;
}

}  // namespace

absl::StatusOr<BackupSchedule> ParseBackupSchedule(std::string_view text_in) {
  absl::string_view text(text_in.data(), text_in.size());
  std::vector<absl::string_view> fields = absl::StrSplit(text, ' ', absl::SkipEmpty());
  BackupSchedule schedule;
  if (fields.size() == 1) {
    absl::StatusOr<absl::Duration> interval = ParseInterval(text);
    if (!interval.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "must be an interval such as 30m, 6h or 1d (units s, m, h, d), or a cron expression "
          "of 5 fields in UTC such as \"0 3 * * *\"; got \"",
          text, "\""));
    }
    if (*interval < kMinBackupInterval) {
      return absl::InvalidArgumentError(absl::StrCat("an interval must be at least ",
                                                     absl::FormatDuration(kMinBackupInterval),
                                                     ", got \"", text, "\""));
    }
    schedule.is_interval = true;
    schedule.interval = *interval;
    return schedule;
  }
  if (fields.size() != 5) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got %d in "
        "\"%s\"",
        fields.size(), text));
  }
  std::vector<bool> allowed;
  bool restricted = false;
  for (int i = 0; i < 5; ++i) {
    if (absl::Status status = ParseCronField(i, fields[i], allowed, &restricted); !status.ok()) {
      return status;
    }
    switch (i) {
      case 0:
        Copy(allowed, schedule.minutes);
        break;
      case 1:
        Copy(allowed, schedule.hours);
        break;
      case 2:
        Copy(allowed, schedule.days);
        schedule.days_restricted = restricted;
        break;
      case 3:
        Copy(allowed, schedule.months);
        break;
      case 4:
        if (allowed[7]) allowed[0] = true;  // 7 is Sunday too
        Copy(allowed, schedule.weekdays);
        schedule.weekdays_restricted = restricted;
        break;
    }
  }
  return schedule;
}

absl::Time NextScheduledTime(const BackupSchedule& s, absl::Time after) {
  if (s.is_interval) return after + s.interval;
  const absl::TimeZone utc = absl::UTCTimeZone();
  absl::CivilMinute minute = absl::ToCivilMinute(after, utc) + 1;
  // Cron repeats every 400 years at the latest (leap years); 5 years covers every real pattern
  // (29 Feb) while bounding the search for impossible ones (31 Feb).
  const absl::CivilDay give_up = absl::CivilDay(minute) + int64_t{5} * 366;
  while (absl::CivilDay(minute) < give_up) {
    absl::CivilDay day(minute);
    if (!s.months[day.month()] || !DayMatches(s, day)) {
      minute = absl::CivilMinute(day + 1);
      continue;
    }
    if (!s.hours[minute.hour()]) {
      minute = absl::CivilMinute(absl::CivilHour(minute) + 1);
      continue;
    }
    if (!s.minutes[minute.minute()]) {
      minute += 1;
      continue;
    }
    return absl::FromCivil(minute, utc);
  }
  return absl::InfiniteFuture();
}

}  // namespace radctl
