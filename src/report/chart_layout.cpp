// Chart layout: round axis scales, margins measured from the tick labels, period labels
// rotated and thinned when they would collide, the legend in centred rows under the title,
// the caption wrapped at the bottom; and the drawing of that frame.
#include "chart_layout.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace faultline::report {

namespace {

constexpr double k_margin = 14;               // around the whole chart
constexpr double k_legend_row = 20;           // the height of one legend row
constexpr double k_legend_gap = 24;           // between two legend entries
constexpr double k_caption_line = 16;
constexpr double k_sin45 = std::numbers::sqrt2 / 2;
constexpr Rgb k_grid_colour{0xE2, 0xE2, 0xE2};
constexpr Rgb k_axis_colour{0x44, 0x44, 0x44};
constexpr std::array<double, 4> k_nice_steps{1, 2, 2.5, 5};

// The smallest round step (k_nice_steps times 10^m) at least `raw`; whole when `integral`.
double round_step(double raw, bool integral) {
  if (!(raw > 0)) return 1;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (;;) {
    for (double base : k_nice_steps) {
      const double step = base * magnitude;
      if (integral && step != std::floor(step)) continue;
      if (step >= raw * (1 - 1e-12)) return step;
    }
    magnitude *= 10;
  }
}

int decimals_of(double step) {
  for (int digits = 0; digits < 6; ++digits) {
    const double scaled = step * std::pow(10.0, digits);
    if (std::abs(scaled - std::round(scaled)) < 1e-9) return digits;
  }
  return 6;
}

std::string tick_label(const Scale& scale, double value) { return fmt::format("{:.{}f}", value, scale.decimals); }

int interval_count(const Scale& scale) { return static_cast<int>(std::lround(scale.top / scale.step)); }

double widest_tick(const Canvas& canvas, const Scale& scale) {
  const TextStyle style{k_tick_size, Weight::Normal, k_text_colour};
  double widest = 0;
  for (int i = 0; i <= interval_count(scale); ++i)
    widest = std::max(widest, text_width(canvas, tick_label(scale, scale.step * i), style));
  return widest;
}

// The largest value drawn against an axis and whether all of them are whole numbers.
struct Extent {
  double max = 0;
  bool integral = true;
  void add(double value) {
    max = std::max(max, value);
    integral = integral && value == std::floor(value);
  }
};

void plan_scales(const Chart& chart, Layout& layout) {
  Extent primary, secondary;
  for (std::size_t i = 0; i < chart.categories.size(); ++i) {
    double stacked = 0;
    for (const auto& series : chart.bars)
      if (i < series.values.size() && series.values[i] && *series.values[i] > 0) {
        primary.add(*series.values[i]);
        stacked += *series.values[i];
      }
    primary.add(stacked);
  }
  for (const auto& series : chart.lines) {
    const bool right = series.axis == ChartAxis::Secondary;
    layout.has_secondary = layout.has_secondary || right;
    for (const auto& value : series.values)
      if (value) (right ? secondary : primary).add(*value);
  }
  layout.primary = nice_scale(primary.max, primary.integral);
  if (layout.has_secondary)
    layout.secondary = aligned_scale(secondary.max, secondary.integral, interval_count(layout.primary));
}

XLabels plan_x_labels(const Canvas& canvas, const std::vector<std::string>& categories, double slot) {
  XLabels labels;
  const TextStyle style{k_tick_size, Weight::Normal, k_text_colour};
  for (const auto& category : categories) labels.max_width = std::max(labels.max_width, text_width(canvas, category, style));
  if (labels.max_width + 10 <= slot) {
    labels.band = k_tick_size + 12;
    return labels;
  }
  labels.angle = -std::numbers::pi / 4;
  const double spacing = std::max(slot * k_sin45, 0.1);  // between neighbouring rotated labels
  labels.every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(k_tick_size * 1.45 / spacing)));
  labels.band = labels.max_width * k_sin45 + k_tick_size * 0.8 + 14;
  return labels;
}

void plan_horizontal(const Canvas& canvas, const Chart& chart, Layout& layout) {
  const double title_room = k_text_size + 12;
  layout.plot.left = k_margin + (chart.y_title.empty() ? 0 : title_room) + widest_tick(canvas, layout.primary) + 8;
  layout.plot.right = k_chart_width - k_margin - 10;
  if (layout.has_secondary)
    layout.plot.right = k_chart_width - k_margin - (chart.y2_title.empty() ? 0 : title_room) -
                        widest_tick(canvas, layout.secondary) - 8;
  const std::size_t n = chart.categories.size();
  const auto slot_of = [&] { return n == 0 ? layout.plot.width() : layout.plot.width() / static_cast<double>(n); };
  layout.slot = slot_of();
  layout.labels = plan_x_labels(canvas, chart.categories, layout.slot);
  if (layout.labels.angle == 0) return;
  // A rotated first label reaches left of its period: keep it inside the chart.
  const double needed = k_margin + layout.labels.max_width * k_sin45 - layout.slot / 2 + 4;
  if (layout.plot.left >= needed) return;
  layout.plot.left = needed;
  layout.slot = slot_of();
  layout.labels = plan_x_labels(canvas, chart.categories, layout.slot);
}

std::string legend_text(const Chart& chart, const ChartSeries& series) {
  const bool right = series.axis == ChartAxis::Secondary && !chart.y2_title.empty();
  return right ? series.name + " (right axis)" : series.name;
}

// Places the legend entries in centred rows from `top`; returns the bottom of the legend.
double plan_legend(const Canvas& canvas, const Chart& chart, double top, std::vector<LegendItem>& items) {
  const TextStyle style{k_text_size, Weight::Normal, k_text_colour};
  std::vector<double> widths;
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    items.push_back({LegendKind::Bar, style_of(chart.bars[i], i), chart.bars[i].name, 0, 0});
    widths.push_back(14 + 6 + text_width(canvas, items.back().text, style));
  }
  for (std::size_t i = 0; i < chart.lines.size(); ++i) {
    items.push_back({LegendKind::Line, style_of(chart.lines[i], i), legend_text(chart, chart.lines[i]), 0, 0});
    widths.push_back(k_line_sample + 6 + text_width(canvas, items.back().text, style));
  }
  const double room = k_chart_width - 2 * k_margin;
  std::size_t first = 0, row = 0;
  while (first < items.size()) {
    std::size_t last = first;
    double total = widths[first];
    while (last + 1 < items.size() && total + k_legend_gap + widths[last + 1] <= room) total += k_legend_gap + widths[++last];
    double x = (k_chart_width - total) / 2;
    for (std::size_t i = first; i <= last; ++i) {
      items[i].x = x;
      items[i].y = top + k_legend_row * (static_cast<double>(row) + 0.5);
      x += widths[i] + k_legend_gap;
    }
    first = last + 1;
    ++row;
  }
  return top + k_legend_row * static_cast<double>(row);
}

}  // namespace

double Scale::y(const Box& plot, double value) const {
  const double held = std::clamp(value, 0.0, top);
  return plot.bottom - held / top * plot.height();
}

Scale nice_scale(double max_value, bool integral) {
  const double target = max_value > 0 ? max_value : 1;
  const double step = round_step(target / 5, integral);
  const double top = std::max(step, std::ceil(target / step - 1e-9) * step);
  return Scale{top, step, decimals_of(step)};
}

Scale aligned_scale(double max_value, bool integral, int intervals) {
  const double target = max_value > 0 ? max_value : 1;
  const int count = std::max(1, intervals);
  const double step = round_step(target / count, integral);
  return Scale{step * count, step, decimals_of(step)};
}

Layout plan_layout(const Canvas& canvas, const Chart& chart) {
  Layout layout;
  plan_scales(chart, layout);
  layout.header_bottom = k_margin + k_title_size + (chart.subtitle.empty() ? 0 : k_text_size + 8) + 10;
  const double legend_bottom = plan_legend(canvas, chart, layout.header_bottom, layout.legend);
  const TextStyle caption{k_text_size, Weight::Normal, k_muted_colour};
  layout.caption_lines = wrap_text(canvas, chart.caption, caption, k_chart_width - 2 * k_margin);
  layout.caption_top = k_chart_height - k_margin - k_caption_line * static_cast<double>(layout.caption_lines.size());
  plan_horizontal(canvas, chart, layout);
  layout.plot.top = legend_bottom + 16;
  const double x_title_room = chart.x_title.empty() ? 0 : k_text_size + 10;
  layout.plot.bottom = layout.caption_top - 6 - x_title_room - layout.labels.band;
  return layout;
}

void draw_titles(const Canvas& canvas, const Chart& chart, const Layout& layout) {
  const double title_base = k_margin + k_title_size * 0.8;
  draw_text(canvas, chart.title, k_margin, title_base, {k_title_size, Weight::Bold, k_text_colour});
  draw_text(canvas, chart.subtitle, k_margin, title_base + k_text_size + 8, {k_text_size, Weight::Normal, k_muted_colour});
  const TextStyle axis_title{k_text_size, Weight::Bold, k_text_colour};
  const double middle = (layout.plot.top + layout.plot.bottom) / 2;
  draw_text(canvas, chart.y_title, k_margin + k_text_size, middle, axis_title, Align::Center, -std::numbers::pi / 2);
  if (layout.has_secondary)
    draw_text(canvas, chart.y2_title, k_chart_width - k_margin - k_text_size, middle, axis_title, Align::Center,
              std::numbers::pi / 2);
  const double x_title_base = layout.plot.bottom + layout.labels.band + k_text_size;
  draw_text(canvas, chart.x_title, (layout.plot.left + layout.plot.right) / 2, x_title_base, axis_title, Align::Center);
  const TextStyle caption{k_text_size, Weight::Normal, k_muted_colour};
  for (std::size_t i = 0; i < layout.caption_lines.size(); ++i) {
    const double base = layout.caption_top + k_text_size + k_caption_line * static_cast<double>(i);
    draw_text(canvas, layout.caption_lines[i], k_margin, base, caption);
  }
}

void draw_grid(const Canvas& canvas, const Layout& layout) {
  const Box& plot = layout.plot;
  const TextStyle tick{k_tick_size, Weight::Normal, k_text_colour};
  cairo_t* cr = canvas.cr;
  cairo_set_line_width(cr, 1);
  for (int i = 0; i <= interval_count(layout.primary); ++i) {
    const double y = std::round(layout.primary.y(plot, layout.primary.step * i)) + 0.5;
    set_colour(cr, k_grid_colour);
    cairo_move_to(cr, plot.left, y);
    cairo_line_to(cr, plot.right, y);
    cairo_stroke(cr);
    draw_text(canvas, tick_label(layout.primary, layout.primary.step * i), plot.left - 8, y + k_tick_size * 0.36, tick,
              Align::Right);
    if (layout.has_secondary)
      draw_text(canvas, tick_label(layout.secondary, layout.secondary.step * i), plot.right + 8,
                y + k_tick_size * 0.36, tick, Align::Left);
  }
}

void draw_x_axis(const Canvas& canvas, const Chart& chart, const Layout& layout) {
  const Box& plot = layout.plot;
  const double base = std::round(plot.bottom) + 0.5;
  cairo_t* cr = canvas.cr;
  set_colour(cr, k_axis_colour);
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, plot.left, base);
  cairo_line_to(cr, plot.right, base);
  const TextStyle style{k_tick_size, Weight::Normal, k_text_colour};
  for (std::size_t i = 0; i < chart.categories.size(); i += layout.labels.every) {
    cairo_move_to(cr, layout.x_centre(i), base);
    cairo_line_to(cr, layout.x_centre(i), base + 4);
  }
  cairo_stroke(cr);
  for (std::size_t i = 0; i < chart.categories.size(); i += layout.labels.every) {
    if (layout.labels.angle == 0)
      draw_text(canvas, chart.categories[i], layout.x_centre(i), base + 6 + k_tick_size * 0.8, style, Align::Center);
    else
      draw_text(canvas, chart.categories[i], layout.x_centre(i) + 3, base + 8 + k_tick_size * 0.36, style, Align::Right,
                layout.labels.angle);
  }
}

}  // namespace faultline::report
