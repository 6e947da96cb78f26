#include "controller/clients/docker/exec_stream.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace radctl::docker {
namespace {

using ::testing::HasSubstr;

// One frame as the engine writes it: [stream, 0, 0, 0, big-endian size] + payload.
std::string Frame(char stream, const std::string& payload) {
  const uint32_t size = payload.size();
  std::string frame = {stream,
                       0,
                       0,
                       0,
                       static_cast<char>(size >> 24),
                       static_cast<char>(size >> 16),
                       static_cast<char>(size >> 8),
                       static_cast<char>(size)};
  return frame + payload;
}

TEST(ExecStreamDemuxerTest, SplitsStdoutAndStderrInOnePiece) {
  ExecStreamDemuxer demuxer;
  ASSERT_TRUE(demuxer.Feed(Frame(1, "out 1\n") + Frame(2, "err\n") + Frame(1, "out 2\n")).ok());
  EXPECT_TRUE(demuxer.Finish().ok());
  EXPECT_EQ(demuxer.stdout_text(), "out 1\nout 2\n");
  EXPECT_EQ(demuxer.stderr_text(), "err\n");
}

TEST(ExecStreamDemuxerTest, FramesSplitAtEveryByte) {
  const std::string big(70000, 'x');  // a size using three bytes of the header
  const std::string stream = Frame(1, "hello ") + Frame(2, "warning\n") + Frame(1, big);
  ExecStreamDemuxer demuxer;
  for (const char c : stream) {
    ASSERT_TRUE(demuxer.Feed(std::string(1, c)).ok());
  }
  EXPECT_TRUE(demuxer.Finish().ok());
  EXPECT_EQ(demuxer.stdout_text(), "hello " + big);
  EXPECT_EQ(demuxer.stderr_text(), "warning\n");
}

TEST(ExecStreamDemuxerTest, PiecesEndingInsideHeaderAndPayload) {
  const std::string stream = Frame(1, "abcdef") + Frame(2, "ghij");
  ExecStreamDemuxer demuxer;
  ASSERT_TRUE(demuxer.Feed(stream.substr(0, 5)).ok());  // in the first header
  ASSERT_TRUE(demuxer.Feed(stream.substr(5, 6)).ok());  // into the first payload
  EXPECT_EQ(demuxer.stdout_text(), "");
  ASSERT_TRUE(demuxer.Feed(stream.substr(11, 10)).ok());  // rest of it, into the second header
  EXPECT_EQ(demuxer.stdout_text(), "abcdef");
  EXPECT_FALSE(demuxer.Finish().ok());
  ASSERT_TRUE(demuxer.Feed(stream.substr(21)).ok());
  EXPECT_TRUE(demuxer.Finish().ok());
  EXPECT_EQ(demuxer.stderr_text(), "ghij");
}

TEST(ExecStreamDemuxerTest, EmptyStreamAndEmptyFrames) {
  ExecStreamDemuxer demuxer;
  EXPECT_TRUE(demuxer.Finish().ok());
  ASSERT_TRUE(demuxer.Feed("").ok());
  ASSERT_TRUE(demuxer.Feed(Frame(1, "") + Frame(2, "")).ok());
  EXPECT_TRUE(demuxer.Finish().ok());
  EXPECT_EQ(demuxer.stdout_text(), "");
  EXPECT_EQ(demuxer.stderr_text(), "");
}

TEST(ExecStreamDemuxerTest, StdinStreamGoesToStdout) {
  ExecStreamDemuxer demuxer;
  ASSERT_TRUE(demuxer.Feed(Frame(0, "echoed")).ok());
  EXPECT_EQ(demuxer.stdout_text(), "echoed");
}

TEST(ExecStreamDemuxerTest, TruncatedStreamIsAnError) {
  ExecStreamDemuxer demuxer;
  ASSERT_TRUE(demuxer.Feed(Frame(1, "complete") + Frame(1, "cut off").substr(0, 10)).ok());
  const absl::Status finished = demuxer.Finish();
  EXPECT_EQ(finished.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(finished.message(), HasSubstr("ended inside a frame"));
  EXPECT_EQ(demuxer.stdout_text(), "complete");
}

TEST(ExecStreamDemuxerTest, TtyOutputIsNotAFrameAndStaysAnError) {
  ExecStreamDemuxer demuxer;
  const absl::Status fed = demuxer.Feed("plain text from a tty\n");
  EXPECT_EQ(fed.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(fed.message(), HasSubstr("bad frame header"));
  EXPECT_FALSE(demuxer.Feed(Frame(1, "later")).ok());
  EXPECT_FALSE(demuxer.Finish().ok());
  EXPECT_EQ(demuxer.stdout_text(), "");
}

}  // namespace
}  // namespace radctl::docker
