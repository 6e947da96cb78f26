#include "controller/clients/docker/event_stream.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::docker {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kDie[] =
    R"({"Type":"container","Action":"die","Actor":{"ID":"32a1","Attributes":{"exitCode":"137",)"
    R"("name":"demo-pg-1"}},"timeNano":1795649967574482237})"
    "\n";
constexpr char kStart[] =
    R"({"Type":"container","Action":"start","Actor":{"ID":"9ede","Attributes":{"name":"demo-pg-2"}},)"
    R"("timeNano":1795649968000000000})"
    "\n";

TEST(EventStreamDecoderTest, SeveralEventsInOnePiece) {
  EventStreamDecoder decoder;
  absl::StatusOr<std::vector<Event>> events = decoder.Feed(std::string(kDie) + kStart);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(*events, ElementsAre(Field(&Event::action, "die"), Field(&Event::action, "start")));
  EXPECT_EQ((*events)[0].name, "demo-pg-1");
  EXPECT_EQ((*events)[1].id, "9ede");
}

TEST(EventStreamDecoderTest, EventSplitAcrossPieces) {
  const std::string stream = std::string(kDie) + kStart;
  EventStreamDecoder decoder;
  std::vector<std::string> actions;
  for (size_t i = 0; i < stream.size(); i += 7) {  // pieces end anywhere, even inside a string
    absl::StatusOr<std::vector<Event>> events = decoder.Feed(stream.substr(i, 7));
    ASSERT_TRUE(events.ok()) << events.status();
    for (const Event& event : *events) actions.push_back(event.action);
  }
  EXPECT_THAT(actions, ElementsAre("die", "start"));
}

TEST(EventStreamDecoderTest, NothingUntilTheNewlineArrives) {
  EventStreamDecoder decoder;
  const std::string die(kDie);
  absl::StatusOr<std::vector<Event>> events = decoder.Feed(die.substr(0, die.size() - 1));
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(*events, IsEmpty());
  events = decoder.Feed("\n\n");  // an empty line between messages is skipped
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(*events, ElementsAre(Field(&Event::action, "die")));
}

TEST(EventStreamDecoderTest, GarbageLineIsAnInternalError) {
  EventStreamDecoder decoder;
  absl::StatusOr<std::vector<Event>> events = decoder.Feed("<html>proxy error</html>\n");
  EXPECT_EQ(events.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(events.status().message(), HasSubstr("for an event"));
}

}  // namespace
}  // namespace radctl::docker
