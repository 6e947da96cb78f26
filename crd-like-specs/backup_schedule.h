// spec.backup.schedule: when scheduled backups are due. Either an interval ("15s", "30m", "6h",
// "1d"; at least 10 s) or a cron expression of 5 fields (minute hour day-of-month month
// day-of-week) read in UTC, with *, lists, ranges and steps ("*/15", "1-5", "0,30"). Pure: the
// parser checks the spec with it, the planner asks it for the next time.
#pragma once

#include <bitset>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace radctl {

inline constexpr absl::Duration kMinBackupInterval = absl::Seconds(10);

struct BackupSchedule {
  bool is_interval = false;
  absl::Duration interval;  // when is_interval
  // Cron: which values each field allows.
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;     // 1..31
  std::bitset<13> months;   // 1..12
  std::bitset<7> weekdays;  // 0..6, Sunday 0 (7 is read as 0)
  // Cron's rule for the two day fields: when both are restricted a day matching either counts.
  bool days_restricted = false;
  bool weekdays_restricted = false;
};

// InvalidArgument saying what is wrong, in words fit for a spec error.
[[nodiscard]] absl::StatusOr<BackupSchedule> ParseBackupSchedule(std::string_view text);

// The first time strictly after `after` at which the schedule fires: `after` + the interval, or
// the next matching minute (UTC). InfiniteFuture when a cron expression never matches (31 Feb).
absl::Time NextScheduledTime(const BackupSchedule& schedule, absl::Time after);

}  // namespace radctl
