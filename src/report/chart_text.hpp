// Text on a chart: the DejaVu Sans faces (loaded with FreeType from fonts-dejavu-core, so
// no fontconfig state is involved; cairo's toy "DejaVu Sans" when the files are missing),
// unhinted metrics so every surface measures alike, measuring, drawing and wrapping.
#pragma once

#include <string>
#include <vector>

#include <cairo.h>

#include "chart_draw.hpp"

namespace faultline::report {

// Text sizes in pixels, and the two text colours (never a series colour).
inline constexpr double k_title_size = 18;
inline constexpr double k_text_size = 12;
inline constexpr double k_tick_size = 11;
inline constexpr Rgb k_text_colour{0x21, 0x21, 0x21};
inline constexpr Rgb k_muted_colour{0x5A, 0x5A, 0x5A};

// A font weight, and where a text's anchor point sits along it.
enum class Weight { Normal, Bold };
enum class Align { Left, Center, Right };

// How a piece of text is set: size in pixels, weight, colour.
struct TextStyle {
  double size = k_text_size;
  Weight weight = Weight::Normal;
  Rgb colour = k_text_colour;
};

// The regular and bold DejaVu Sans faces, owned for one drawing.
class ChartFonts {
public:
  ChartFonts();
  ~ChartFonts();
  ChartFonts(const ChartFonts&) = delete;
  ChartFonts& operator=(const ChartFonts&) = delete;

  // The face for `weight` (never null).
  cairo_font_face_t* face(Weight weight) const { return weight == Weight::Bold ? m_bold : m_regular; }

private:
  cairo_font_face_t* m_regular = nullptr;
  cairo_font_face_t* m_bold = nullptr;
};

// What a drawing step needs: the cairo context and the faces to set text in.
struct Canvas {
  cairo_t* cr = nullptr;
  const ChartFonts* fonts = nullptr;
};

// Hinting off and unhinted metrics on `cr`, so the SVG and PNG surfaces lay text out alike.
void set_text_options(cairo_t* cr);

// Sets the source colour of `cr`.
void set_colour(cairo_t* cr, Rgb colour, double alpha = 1.0);

// The advance width of `text` in `style`.
double text_width(const Canvas& canvas, const std::string& text, const TextStyle& style);

// Draws `text` with its baseline through (x, y), aligned there, rotated by `angle` radians
// around that point.
void draw_text(const Canvas& canvas, const std::string& text, double x, double y, const TextStyle& style,
               Align align = Align::Left, double angle = 0);

// `text` broken at spaces into lines no wider than `width` (a longer word stays whole).
std::vector<std::string> wrap_text(const Canvas& canvas, const std::string& text, const TextStyle& style,
                                   double width);

}  // namespace faultline::report
