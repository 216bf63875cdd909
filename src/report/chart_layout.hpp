// The measured layout of a chart (plot box, axis scales, period label placement, legend
// positions, caption lines) and the drawing of its frame: titles, grid, ticks, axes.
// The series themselves are drawn by chart_draw.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <cairo.h>

#include "chart_draw.hpp"
#include "chart_text.hpp"

namespace faultline::report {

inline constexpr double k_line_sample = 30;  // the width of a line's legend sample

// A rectangle by its edges, in pixels from the top left.
struct Box {
  double left = 0, top = 0, right = 0, bottom = 0;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

// A vertical axis from 0 to `top`, a tick every `step`, tick labels with `decimals` digits.
struct Scale {
  double top = 1, step = 1;
  int decimals = 0;
  // The y pixel of `value` in `plot` (values outside 0..top are held at the edge).
  double y(const Box& plot, double value) const;
};

// An axis scale 0..top with round steps (1, 2, 2.5, 5 times a power of ten; whole numbers
// only when `integral`), about five intervals, top >= max_value.
Scale nice_scale(double max_value, bool integral);

// A scale with exactly `intervals` round steps reaching max_value, so a secondary axis shares
// the primary one's grid lines.
Scale aligned_scale(double max_value, bool integral, int intervals);

// What a legend entry shows: a bar swatch or a line sample.
enum class LegendKind { Bar, Line };

// One legend entry, placed: its sample starts at x, centred on y.
struct LegendItem {
  LegendKind kind = LegendKind::Bar;
  std::size_t style = 0;  // the series' palette entry
  std::string text;
  double x = 0, y = 0;
};

// How the period labels are set: rotation (0 or -45 degrees, in radians), every how many
// periods one is shown, the height of their band under the plot.
struct XLabels {
  double angle = 0;
  std::size_t every = 1;
  double band = 0;
  double max_width = 0;
};

// Where everything goes: the plot box, its axes, the period slots and labels, the legend
// entries, the header's bottom and the caption's lines.
struct Layout {
  Box plot;
  Scale primary, secondary;
  bool has_secondary = false;
  double slot = 0;  // the width of one period
  XLabels labels;
  std::vector<LegendItem> legend;
  double header_bottom = 0;
  std::vector<std::string> caption_lines;
  double caption_top = 0;
  // The x pixel of the centre of period `index`.
  double x_centre(std::size_t index) const { return plot.left + slot * (static_cast<double>(index) + 0.5); }
};

// Measures the chart's text and places everything.
Layout plan_layout(const Canvas& canvas, const Chart& chart);

// Title, subtitle, axis titles and caption.
void draw_titles(const Canvas& canvas, const Chart& chart, const Layout& layout);

// Horizontal grid lines with the primary axis' tick labels on the left and the secondary
// axis' on the right.
void draw_grid(const Canvas& canvas, const Layout& layout);

// The base line, the period ticks and the period labels (rotated and thinned per the layout).
void draw_x_axis(const Canvas& canvas, const Chart& chart, const Layout& layout);

}  // namespace faultline::report
