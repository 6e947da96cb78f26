// The drill's HTML report as a person sees it: rendered by headless Chromium to a PNG, whose
// pixels must show the timeline: the outage shaded over the span the figures give, writes drawn
// on both sides of it, failures marked inside it. Label "browser" (needs the chromium package:
// hack/test.sh installs it).
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "controller/drill/report_html.h"
#include "gtest/gtest.h"
#include "tests/unit/drill/round_builder.h"

namespace radctl::drill {
namespace {

using ::radctl::drill::testing::Result;
using ::radctl::drill::testing::RoundBuilder;

struct Rgb {
  int r = 0, g = 0, b = 0;
};

Rgb Hex(const char* colour) {
  unsigned value = std::strtoul(colour + 1, nullptr, 16);
  return {static_cast<int>(value >> 16), static_cast<int>((value >> 8) & 0xff),
          static_cast<int>(value & 0xff)};
}

bool Near(const Rgb& a, const Rgb& b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

// An 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes), decoded with zlib.
class Png {
 public:
  bool Decode(const std::string& bytes, std::string* error) {
    if (bytes.size() < 8 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
      *error = "not a PNG";
      return false;
    }
    std::string idat;
    int depth = 0;
    int colour_type = 0;
    int interlace = 0;
    for (size_t at = 8; at + 12 <= bytes.size();) {
      const uint32_t length = Be32(bytes, at);
      const std::string type = bytes.substr(at + 4, 4);
      const std::string data = bytes.substr(at + 8, length);
      if (type == "IHDR") {
        width_ = static_cast<int>(Be32(data, 0));
        height_ = static_cast<int>(Be32(data, 4));
        depth = static_cast<unsigned char>(data[8]);
        colour_type = static_cast<unsigned char>(data[9]);
        interlace = static_cast<unsigned char>(data[12]);
      } else if (type == "IDAT") {
        idat += data;
      }
      at += 12 + length;
    }
    if (depth != 8 || (colour_type != 2 && colour_type != 6) || interlace != 0) {
      *error = absl::StrCat("unsupported PNG (depth ", depth, ", colour type ", colour_type,
                            ", interlace ", interlace, ")");
      return false;
    }
    channels_ = colour_type == 6 ? 4 : 3;
    const size_t stride = static_cast<size_t>(width_) * channels_;
    std::string raw(static_cast<size_t>(height_) * (stride + 1), '\0');
    uLongf raw_size = raw.size();
    if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                   reinterpret_cast<const Bytef*>(idat.data()), idat.size()) != Z_OK ||
        raw_size != raw.size()) {
      *error = "cannot inflate the image data";
      return false;
    }
    pixels_.assign(static_cast<size_t>(height_) * stride, 0);
    for (int y = 0; y < height_; ++y) {
      const int filter = static_cast<unsigned char>(raw[y * (stride + 1)]);
      const unsigned char* in =
          reinterpret_cast<const unsigned char*>(raw.data()) + y * (stride + 1) + 1;
      unsigned char* out = pixels_.data() + y * stride;
      const unsigned char* up = y > 0 ? out - stride : nullptr;
      for (size_t i = 0; i < stride; ++i) {
        const int a = i >= static_cast<size_t>(channels_) ? out[i - channels_] : 0;
        const int b = up ? up[i] : 0;
        const int c = up && i >= static_cast<size_t>(channels_) ? up[i - channels_] : 0;
        int predicted = 0;
        switch (filter) {
          case 0:
            predicted = 0;
            break;
          case 1:
            predicted = a;
            break;
          case 2:
            predicted = b;
            break;
          case 3:
            predicted = (a + b) / 2;
            break;
          case 4: {
            const int p = a + b - c;
            const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
            predicted = (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
            break;
          }
          default:
            *error = "bad PNG filter";
            return false;
        }
        out[i] = static_cast<unsigned char>(in[i] + predicted);
      }
    }
    return true;
  }
  int width() const { return width_; }
  int height() const { return height_; }
  Rgb At(int x, int y) const {
    const unsigned char* p = pixels_.data() + (static_cast<size_t>(y) * width_ + x) * channels_;
    return {p[0], p[1], p[2]};
  }

 private:
  static uint32_t Be32(const std::string& s, size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
  }
  int width_ = 0;
  int height_ = 0;
  int channels_ = 3;
  std::vector<unsigned char> pixels_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Renders `html` with headless Chromium at 1100 px wide into `image`.
void Render(const std::string& name, const std::string& html_text, Png* image) {
  ASSERT_EQ(std::system("command -v chromium >/dev/null"), 0)
      << "chromium is not installed: run hack/test.sh (it installs it), or apt-get install "
         "chromium";
  const std::string dir = absl::StrCat(::testing::TempDir(), name, "-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/profile");
  const std::string html = dir + "/report.html";
  const std::string png = dir + "/report.png";
  std::ofstream(html) << html_text;
  const std::string command = absl::StrCat(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--hide-scrollbars --force-device-scale-factor=1 --user-data-dir=",
      dir, "/profile --window-size=1100,1400 --screenshot=", png, " file://", html, " >", dir,
      "/chromium.log 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(dir + "/chromium.log");
  std::string error;
  ASSERT_TRUE(image->Decode(ReadFile(png), &error)) << error;
  ASSERT_EQ(image->width(), 1100);
  if (getenv("KEEP_RENDER") == nullptr) std::filesystem::remove_all(dir);
}

// Rows and columns holding pixels of exactly `colour`, in rows [from, to).
struct Extent {
  int left = 1 << 30, right = -1, top = 1 << 30, bottom = -1, columns = 0;
};
Extent Find(const Png& image, const Rgb& colour, int from = 0, int to = 1 << 30) {
  Extent extent;
  for (int x = 0; x < image.width(); ++x) {
    bool any = false;
    for (int y = std::max(from, 0); y < std::min(to, image.height()); ++y) {
      if (!Near(image.At(x, y), colour, 0)) continue;
      any = true;
      extent.left = std::min(extent.left, x);
      extent.right = std::max(extent.right, x);
      extent.top = std::min(extent.top, y);
      extent.bottom = std::max(extent.bottom, y);
    }
    extent.columns += any;
  }
  return extent;
}

TEST(ReportRenderTest, TheCommandsLinesAreTicksInALaneBelowThePlotAcrossTheRound) {
  // Window 0..11 s, fault at 1 s; the command prints a line every 250 ms from 0.5 s to 10.5 s,
  // one of them (at 3 s) on stderr.
  RoundResult round =
      RoundBuilder(1, 4, 11).Outage(1.0, 2.0, "FATAL:  server conn crashed?").Build();
  DrillResult result = Result({round});
  ExecRun exec;
  exec.command = "./tests.sh";
  exec.started = true;
  exec.start = round.window_start + absl::Milliseconds(400);
  for (int i = 0; i <= 40; ++i) {
    const absl::Time at = round.window_start + absl::Milliseconds(500 + 250 * i);
    exec.lines.push_back({at, i == 10, absl::StrCat("line ", i)});
  }
  exec.end = round.window_start + absl::Milliseconds(10600);
  exec.exit_code = 0;
  result.exec = exec;
  Png image;
  Render("drill-render-exec", DrillHtml(result), &image);

  // The timeline: the outage shading fills its plot's height (rows with a run of its colour:
  // the legend's swatch has it too); the lane is below it.
  Extent outage;
  for (int y = 0; y < image.height(); ++y) {
    int count = 0;
    for (int x = 0; x < image.width(); ++x) count += Near(image.At(x, y), Hex(kOutageColour), 0);
    if (count < 30) continue;
    outage.top = std::min(outage.top, y);
    outage.bottom = std::max(outage.bottom, y);
  }
  ASSERT_GE(outage.bottom, 0);
  const int from = outage.top - TimelineLayout::kPlotTop;
  const int to = from + TimelineLayout::kHeightWithExec;
  const Extent out = Find(image, Hex(kExecColour), from, to);
  const Extent err = Find(image, Hex(kExecErrorColour), from, to);
  ASSERT_GE(out.right, 0) << "no command line drawn";
  ASSERT_GE(err.right, 0) << "the stderr line is not drawn";
  // One tick per line, spread over the round's width as their times are.
  const double plot = TimelineLayout::kPlotRight - TimelineLayout::kPlotLeft;
  EXPECT_NEAR(out.right - out.left, 10.0 / 11.0 * plot, 6) << "ticks from 0.5 s to 10.5 s";
  EXPECT_GE(out.columns, 40) << "a tick per line";
  // In a lane of their own below the plot (the outage shading fills the plot's height), where
  // the stderr tick is too.
  EXPECT_GT(out.top, outage.bottom) << "below the plot";
  EXPECT_LE(out.bottom - out.top + 1,
            TimelineLayout::kExecLaneBottom - TimelineLayout::kExecLaneTop);
  EXPECT_GE(err.top, out.top - 1);
  EXPECT_LE(err.bottom, out.bottom + 1);
}

TEST(ReportRenderTest, ChromiumShowsTheOutageShadedWithWritesAroundAndFailuresInside) {
  ASSERT_EQ(std::system("command -v chromium >/dev/null"), 0)
      << "chromium is not installed: run hack/test.sh (it installs it), or apt-get install "
         "chromium";
  // Window 0..11 s, fault at 1 s; writes fail from 1.0 to 3.0 s.
  RoundResult round = RoundBuilder(1, 4, 11)
                          .Outage(1.0, 3.0, "FATAL:  server conn crashed?")
                          .Event(1.4, "Failover")
                          .Event(3.5, "Follow", "demo-pg-3")
                          .Build();
  round.events.push_back({round.fault_at, "drill", "fault", "demo-pg-1", "docker kill", ""});
  const std::string dir = absl::StrCat(::testing::TempDir(), "drill-render-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/profile");
  const std::string html = dir + "/report.html";
  const std::string png = dir + "/report.png";
  std::ofstream(html) << DrillHtml(Result({round}));

  const std::string command = absl::StrCat(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--hide-scrollbars --force-device-scale-factor=1 --user-data-dir=",
      dir,
      "/profile "
      "--window-size=1100,1000 --screenshot=",
      png, " file://", html, " >", dir, "/chromium.log 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(dir + "/chromium.log");
  Png image;
  std::string error;
  ASSERT_TRUE(image.Decode(ReadFile(png), &error)) << error;
  ASSERT_EQ(image.width(), 1100);

  // The shading: pixels of exactly the outage colour in rows that hold a run of them (the legend's
  // 12-pixel swatch has that colour too), and their bounding box.
  const Rgb outage = Hex(kOutageColour);
  int left = image.width(), right = -1, top = image.height(), bottom = -1;
  for (int y = 0; y < image.height(); ++y) {
    int count = 0, row_left = image.width(), row_right = -1;
    for (int x = 0; x < image.width(); ++x) {
      if (Near(image.At(x, y), outage, 0)) {
        ++count;
        row_left = std::min(row_left, x);
        row_right = std::max(row_right, x);
      }
    }
    if (count < 30) continue;
    left = std::min(left, row_left);
    right = std::max(right, row_right);
    top = std::min(top, y);
    bottom = std::max(bottom, y);
  }
  ASSERT_GE(right, 0) << "no outage shading on the page";
  const double plot = TimelineLayout::kPlotRight - TimelineLayout::kPlotLeft;
  const double expected_width =
      absl::FDivDuration(round.outage, round.window_end - round.window_start) * plot;
  EXPECT_NEAR(right - left + 1, expected_width, 3) << "shaded over the outage's span";
  EXPECT_NEAR(bottom - top + 1, TimelineLayout::kPlotBottom - TimelineLayout::kPlotTop, 3)
      << "shaded over the plot's height";

  // Writes on both sides of the outage (in its rows), failures marked inside it.
  const Rgb write = Hex(kWriteColour);
  const Rgb failure = Hex(kFailureColour);
  int writes_before = 0, writes_after = 0, writes_inside = 0, failures_inside = 0;
  for (int y = top; y <= bottom; ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const Rgb pixel = image.At(x, y);
      if (Near(pixel, write, 24)) {
        if (x < left) ++writes_before;
        if (x > right) ++writes_after;
        if (x > left + 4 && x < right - 4) ++writes_inside;
      }
      if (Near(pixel, failure, 48) && x >= left && x <= right) ++failures_inside;
    }
  }
  EXPECT_GT(writes_before, 50) << "writes before the fault are drawn";
  EXPECT_GT(writes_after, 500) << "writes after the outage are drawn";
  EXPECT_LT(writes_inside, writes_after / 20) << "no acknowledged write inside the outage";
  EXPECT_GT(failures_inside, 100) << "the failed writes are marked in the outage";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace radctl::drill
