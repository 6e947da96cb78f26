// Env: the outside world the controller acts on, one interface per outside system, and how it
// does several things at once (leveldb's Env). The radctl binary passes the real ones (Docker,
// libpq, the system clock, threads); unit tests and the simulator pass fakes that script faults.
// Everything in loop/ and operations/ reaches the world only through this.
#pragma once

#include "controller/clients/bouncer/bouncer_session.h"
#include "controller/clients/clock.h"
#include "controller/clients/container_runtime.h"
#include "controller/clients/postgres/node_session.h"
#include "controller/clients/tasks.h"

namespace radctl {

struct Env {
  const ContainerRuntime& runtime;
  const PostgresAccess& postgres;
  const BouncerAccess& bouncer;
  const Clock& clock;
  const Tasks& tasks;
};

}  // namespace radctl
