// Draws a Chart with cairo: the palette (lightness steps and hatching for bars; colours,
// dashes and markers for lines), the legend samples, the stacked bars, the lines broken at
// gaps; draw_chart runs the whole drawing on the layout chart_layout.cpp measures.
#include "chart_draw.hpp"

#include <algorithm>
#include <array>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "chart_layout.hpp"

namespace faultline::report {

namespace {

enum class Hatch { None, Rising, Falling, Cross, Horizontal, Vertical };
enum class Marker { Circle, Square, Triangle, Diamond };

// Bars: dark to light (luma about 32, 78, 136, 190, 160, 217), each with its own hatching.
constexpr std::array<Rgb, 6> k_bar_colours{{{0x67, 0x00, 0x0D},
                                            {0xCB, 0x18, 0x1D},
                                            {0xF1, 0x69, 0x13},
                                            {0xFD, 0xAE, 0x6B},
                                            {0x9E, 0x9A, 0xC8},
                                            {0xD9, 0xD9, 0xD9}}};
constexpr std::array<Hatch, 6> k_bar_hatches{Hatch::None,  Hatch::Rising,     Hatch::Falling,
                                             Hatch::Cross, Hatch::Horizontal, Hatch::Vertical};
// Lines: a dark and a mid tone first, then other hues; told apart by dashes and markers too.
constexpr std::array<Rgb, 4> k_line_colours{{{0x08, 0x30, 0x6B},
                                             {0xE0, 0x8E, 0x0B},
                                             {0x2C, 0x7F, 0x3C},
                                             {0x75, 0x6B, 0xB1}}};
constexpr std::array<Marker, 4> k_line_markers{Marker::Circle, Marker::Square, Marker::Triangle,
                                               Marker::Diamond};
constexpr Rgb k_outline{0x3A, 0x3A, 0x3A};
constexpr Rgb k_white{0xFF, 0xFF, 0xFF};
constexpr double k_bar_share = 0.68;  // of a period's slot

double luma(Rgb colour) { return 0.299 * colour.r + 0.587 * colour.g + 0.114 * colour.b; }

// Dash patterns of lines 1, 2, 3 (line 0 is solid).
constexpr std::array<double, 2> k_dashed{9, 5};
constexpr std::array<double, 4> k_dash_dot{2, 4, 9, 4};
constexpr std::array<double, 2> k_long_dash{16, 5};

void set_line_dash(cairo_t* cr, std::size_t style) {
  switch (style % 4) {
    case 0: cairo_set_dash(cr, nullptr, 0, 0); break;
    case 1: cairo_set_dash(cr, k_dashed.data(), static_cast<int>(k_dashed.size()), 0); break;
    case 2: cairo_set_dash(cr, k_dash_dot.data(), static_cast<int>(k_dash_dot.size()), 0); break;
    default: cairo_set_dash(cr, k_long_dash.data(), static_cast<int>(k_long_dash.size()), 0); break;
  }
}

// Parallel lines across the box, clipped to it.
void draw_hatch(cairo_t* cr, const Box& box, Hatch hatch, Rgb fill) {
  if (hatch == Hatch::None || box.width() < 2 || box.height() < 2) return;
  cairo_save(cr);
  cairo_rectangle(cr, box.left, box.top, box.width(), box.height());
  cairo_clip(cr);
  const double gap = 6;
  const double w = box.width(), h = box.height();
  for (double k = 0; k < w + h; k += gap) {
    if (hatch == Hatch::Rising || hatch == Hatch::Cross) {
      cairo_move_to(cr, box.left + k - h, box.bottom);
      cairo_line_to(cr, box.left + k, box.top);
    }
    if (hatch == Hatch::Falling || hatch == Hatch::Cross) {
      cairo_move_to(cr, box.left + k - h, box.top);
      cairo_line_to(cr, box.left + k, box.bottom);
    }
    if (hatch == Hatch::Horizontal && k < h) {
      cairo_move_to(cr, box.left, box.top + k + gap / 2);
      cairo_line_to(cr, box.right, box.top + k + gap / 2);
    }
    if (hatch == Hatch::Vertical && k < w) {
      cairo_move_to(cr, box.left + k + gap / 2, box.top);
      cairo_line_to(cr, box.left + k + gap / 2, box.bottom);
    }
  }
  if (luma(fill) < 110) set_colour(cr, k_white, 0.55);
  else set_colour(cr, k_outline, 0.45);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
  cairo_restore(cr);
}

// Whether bars carry hatching: only to tell stacked series apart.
enum class Hatching { Off, On };

Hatching hatching_of(const Chart& chart) { return chart.bars.size() > 1 ? Hatching::On : Hatching::Off; }

// A bar segment or a legend swatch: one filled rectangle in the style's colour, outlined,
// hatched when `hatching` is on.
void draw_bar_box(cairo_t* cr, const Box& box, std::size_t style, Hatching hatching) {
  const Rgb fill = bar_colour(style);
  set_colour(cr, fill);
  cairo_rectangle(cr, box.left, box.top, box.width(), box.height());
  cairo_fill_preserve(cr);
  set_colour(cr, k_outline);
  cairo_set_line_width(cr, 0.8);
  cairo_stroke(cr);
  // Past the palette's end the colours repeat with the next hatching, so no two styles match.
  const std::size_t hatch = (style + style / k_bar_colours.size()) % k_bar_hatches.size();
  if (hatching == Hatching::On) draw_hatch(cr, box, k_bar_hatches[hatch], fill);
}

// A point of a line or a legend sample: one filled shape in the series colour, white rim.
void draw_marker(cairo_t* cr, double x, double y, std::size_t style) {
  const double r = 4.5;
  switch (k_line_markers[style % k_line_markers.size()]) {
    case Marker::Circle: cairo_arc(cr, x, y, r, 0, 2 * std::numbers::pi); break;
    case Marker::Square: cairo_rectangle(cr, x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7); break;
    case Marker::Triangle:
      cairo_move_to(cr, x, y - r * 1.15);
      cairo_line_to(cr, x + r, y + r * 0.75);
      cairo_line_to(cr, x - r, y + r * 0.75);
      cairo_close_path(cr);
      break;
    case Marker::Diamond:
      cairo_move_to(cr, x, y - r * 1.2);
      cairo_line_to(cr, x + r, y);
      cairo_line_to(cr, x, y + r * 1.2);
      cairo_line_to(cr, x - r, y);
      cairo_close_path(cr);
      break;
  }
  set_colour(cr, line_colour(style));
  cairo_fill_preserve(cr);
  cairo_set_dash(cr, nullptr, 0, 0);
  set_colour(cr, k_white);
  cairo_set_line_width(cr, 1.2);
  cairo_stroke(cr);
}

// Strokes the current path in line style `style`: a white halo under the coloured dash.
void stroke_series_path(cairo_t* cr, std::size_t style) {
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_dash(cr, nullptr, 0, 0);
  set_colour(cr, k_white, 0.9);
  cairo_set_line_width(cr, 5.5);
  cairo_stroke_preserve(cr);
  set_line_dash(cr, style);
  set_colour(cr, line_colour(style));
  cairo_set_line_width(cr, 2.5);
  cairo_stroke(cr);
  cairo_set_dash(cr, nullptr, 0, 0);
}

void draw_legend(const Canvas& canvas, const Chart& chart, const Layout& layout) {
  cairo_t* cr = canvas.cr;
  for (const auto& item : layout.legend) {
    const double mid = item.y;
    if (item.kind == LegendKind::Bar) {
      draw_bar_box(cr, Box{item.x, mid - 7, item.x + 14, mid + 7}, item.style, hatching_of(chart));
    } else {
      cairo_move_to(cr, item.x, mid);
      cairo_line_to(cr, item.x + k_line_sample, mid);
      stroke_series_path(cr, item.style);
      draw_marker(cr, item.x + k_line_sample / 2, mid, item.style);
    }
    const double text_x = item.x + (item.kind == LegendKind::Bar ? 14.0 : k_line_sample) + 6;
    draw_text(canvas, item.text, text_x, mid + 0.36 * k_text_size, {k_text_size, Weight::Normal, k_text_colour});
  }
}

void draw_bars(cairo_t* cr, const Chart& chart, const Layout& layout) {
  const std::size_t n = chart.categories.size();
  const double bar_width = std::max(1.0, layout.slot * k_bar_share);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = layout.x_centre(i) - bar_width / 2;
    double stacked = 0;
    for (std::size_t s = 0; s < chart.bars.size(); ++s) {
      const auto& values = chart.bars[s].values;
      if (i >= values.size() || !values[i] || !(*values[i] > 0)) continue;
      const double low = layout.primary.y(layout.plot, stacked);
      stacked += *values[i];
      const double high = layout.primary.y(layout.plot, stacked);
      draw_bar_box(cr, Box{x, high, x + bar_width, low}, style_of(chart.bars[s], s), hatching_of(chart));
    }
  }
}

void draw_line_series(cairo_t* cr, const Chart& chart, const Layout& layout, std::size_t position) {
  const ChartSeries& series = chart.lines[position];
  const std::size_t style = style_of(series, position);
  const Scale& scale = series.axis == ChartAxis::Secondary && layout.has_secondary ? layout.secondary : layout.primary;
  const std::size_t n = std::min(series.values.size(), chart.categories.size());
  std::size_t run = 0;  // points in the current unbroken stretch
  for (std::size_t i = 0; i <= n; ++i) {
    const bool point = i < n && series.values[i].has_value();
    if (point) {
      const double x = layout.x_centre(i), y = scale.y(layout.plot, *series.values[i]);
      if (run == 0) cairo_move_to(cr, x, y);
      else cairo_line_to(cr, x, y);
      ++run;
      continue;
    }
    if (run >= 2) stroke_series_path(cr, style);
    cairo_new_path(cr);
    run = 0;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (series.values[i]) draw_marker(cr, layout.x_centre(i), scale.y(layout.plot, *series.values[i]), style);
}

void draw_plot(const Canvas& canvas, const Chart& chart, const Layout& layout) {
  cairo_t* cr = canvas.cr;
  draw_grid(canvas, layout);
  if (chart.categories.empty()) {
    const Box& plot = layout.plot;
    draw_text(canvas, "No periods to show", (plot.left + plot.right) / 2, (plot.top + plot.bottom) / 2,
              {k_text_size, Weight::Normal, k_muted_colour}, Align::Center);
    return;
  }
  draw_bars(cr, chart, layout);
  for (std::size_t s = 0; s < chart.lines.size(); ++s) draw_line_series(cr, chart, layout, s);
  draw_x_axis(canvas, chart, layout);
}

}  // namespace

std::string to_hex(Rgb colour) { return fmt::format("#{:02X}{:02X}{:02X}", colour.r, colour.g, colour.b); }

std::size_t style_of(const ChartSeries& series, std::size_t position) { return series.style.value_or(position); }

Rgb bar_colour(std::size_t style) { return k_bar_colours[style % k_bar_colours.size()]; }

Rgb line_colour(std::size_t style) { return k_line_colours[style % k_line_colours.size()]; }

void draw_chart(cairo_t* cr, const Chart& chart) {
  const ChartFonts fonts;
  const Canvas canvas{cr, &fonts};
  set_text_options(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  const Layout layout = plan_layout(canvas, chart);
  draw_titles(canvas, chart, layout);
  draw_legend(canvas, chart, layout);
  draw_plot(canvas, chart, layout);
  cairo_set_font_face(cr, nullptr);
}

}  // namespace faultline::report
