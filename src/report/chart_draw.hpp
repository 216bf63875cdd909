// The one drawing routine behind render_svg and render_png, and the series styles it uses
// (which the SVG description names, so a reader can match a colour to a series).
#pragma once

#include <cstddef>
#include <string>

#include <cairo.h>

#include "faultline/report/charts.hpp"

namespace faultline::report {

// An sRGB colour, 0..255 per channel.
struct Rgb {
  unsigned char r = 0, g = 0, b = 0;
};

// "#RRGGBB".
std::string to_hex(Rgb colour);

// The palette entry of series `position` among its chart's bars or lines: its own style, else
// its position.
std::size_t style_of(const ChartSeries& series, std::size_t position);

// The fill of bar style `style`: lightness steps dark to light, so stacked segments stay
// apart in grayscale; the hatching differs too (and tells styles apart once colours repeat).
Rgb bar_colour(std::size_t style);

// The stroke and marker colour of line style `style`; never one of the bar colours.
Rgb line_colour(std::size_t style);

// Draws `chart` onto `cr`, whose surface is k_chart_width x k_chart_height: white
// background, title, legend, axes with round ticks, stacked bars, lines, caption.
void draw_chart(cairo_t* cr, const Chart& chart);

}  // namespace faultline::report
