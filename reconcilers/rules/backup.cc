// Rules 8 and 9, backups (backup_schedule.h decides when): the repository's stanza as soon as
// there is a primary, alerts about its archiver, and in watch mode scheduled backups once
// nothing else is to be done.
#include "reconcilers/backup_schedule.h"
#include "reconcilers/rules/rules.h"

namespace radctl {
namespace {

// A backup rule's outcome: its action unless the primary is busy or the action backs off after
// failures, or why backups wait; and when to look again.
Proposal Step(const Situation& s, const Proposal& earlier, const BackupStep& step) {
  Proposal out;
  if (step.action && !s.Busy(step.action->ordinal, earlier, out)) {
    AddUnlessBackingOff(s, out, step.action->type, step.action->ordinal, step.action->source,
                        step.action->reason);
  }
  if (!step.waiting.empty()) out.Wait(step.waiting);
  if (step.due_in != absl::InfiniteDuration()) out.WakeWithin(step.due_in);
  return out;
}

}  // namespace

Proposal BackupStanza(const Situation& s, const Proposal& earlier, int primary) {
  Proposal out = Step(s, earlier, PlanStanza(s.spec, s.observed, primary));
  for (Alert& alert : ArchiveAlerts(s.spec, s.observed, primary)) {
    out.alerts.push_back(std::move(alert));
  }
  return out;
}

Proposal ScheduledBackup(const Situation& s, const Proposal& earlier, int primary) {
  // One backup at a time: one started by this controller runs in the background.
  if (!s.requests.scheduled_backups || s.memory.backup_running || !earlier.actions.empty() ||
      !earlier.waiting.empty()) {
    return {};
  }
  return Step(s, earlier, PlanScheduledBackup(s.spec, s.observed, primary));
}

}  // namespace radctl
