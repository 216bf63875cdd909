// Chart text: DejaVu Sans through FreeType (each cairo face owns its own FT_Library and
// FT_Face, released when cairo drops the face), measuring, drawing, wrapping.
#include "chart_text.hpp"

#include <memory>

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H

namespace faultline::report {

namespace {

constexpr const char* k_regular_file = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* k_bold_file = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
constexpr cairo_user_data_key_t k_ft_face_key{};

// What a cairo face created from FreeType keeps alive until cairo destroys it.
struct FreeTypeFace {
  FT_Library library = nullptr;
  FT_Face face = nullptr;
};

void release_free_type_face(void* data) {
  const auto* held = static_cast<FreeTypeFace*>(data);
  if (held->face != nullptr) FT_Done_Face(held->face);
  if (held->library != nullptr) FT_Done_FreeType(held->library);
  delete held;
}

// A face from the font file, or nullptr when FreeType cannot read it.
cairo_font_face_t* load_face(const char* file) {
  auto* held = new FreeTypeFace;
  if (FT_Init_FreeType(&held->library) != 0 || FT_New_Face(held->library, file, 0, &held->face) != 0) {
    release_free_type_face(held);
    return nullptr;
  }
  cairo_font_face_t* face = cairo_ft_font_face_create_for_ft_face(held->face, FT_LOAD_NO_HINTING);
  if (cairo_font_face_set_user_data(face, &k_ft_face_key, held, &release_free_type_face) != CAIRO_STATUS_SUCCESS) {
    cairo_font_face_destroy(face);
    release_free_type_face(held);
    return nullptr;
  }
  return face;
}

cairo_font_face_t* toy_face(Weight weight) {
  return cairo_toy_font_face_create("DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                    weight == Weight::Bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
}

}  // namespace

ChartFonts::ChartFonts() : m_regular(load_face(k_regular_file)), m_bold(load_face(k_bold_file)) {
  if (m_regular == nullptr) m_regular = toy_face(Weight::Normal);
  if (m_bold == nullptr) m_bold = toy_face(Weight::Bold);
}

ChartFonts::~ChartFonts() {
  cairo_font_face_destroy(m_regular);
  cairo_font_face_destroy(m_bold);
}

void set_text_options(cairo_t* cr) {
  const std::unique_ptr<cairo_font_options_t, decltype(&cairo_font_options_destroy)> options(
      cairo_font_options_create(), &cairo_font_options_destroy);
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options(cr, options.get());
}

void set_colour(cairo_t* cr, Rgb colour, double alpha) {
  cairo_set_source_rgba(cr, colour.r / 255.0, colour.g / 255.0, colour.b / 255.0, alpha);
}

double text_width(const Canvas& canvas, const std::string& text, const TextStyle& style) {
  cairo_set_font_face(canvas.cr, canvas.fonts->face(style.weight));
  cairo_set_font_size(canvas.cr, style.size);
  cairo_text_extents_t extents;
  cairo_text_extents(canvas.cr, text.c_str(), &extents);
  return extents.x_advance;
}

void draw_text(const Canvas& canvas, const std::string& text, double x, double y, const TextStyle& style, Align align,
               double angle) {
  if (text.empty()) return;
  const double width = text_width(canvas, text, style);
  const double shift = align == Align::Left ? 0 : align == Align::Center ? width / 2 : width;
  cairo_t* cr = canvas.cr;
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  set_colour(cr, style.colour);
  cairo_move_to(cr, -shift, 0);
  cairo_show_text(cr, text.c_str());
  cairo_new_path(cr);
  cairo_restore(cr);
}

std::vector<std::string> wrap_text(const Canvas& canvas, const std::string& text, const TextStyle& style,
                                   double width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t space = text.find(' ', pos);
    const std::string word = text.substr(pos, space == std::string::npos ? std::string::npos : space - pos);
    pos = space == std::string::npos ? text.size() : space + 1;
    if (word.empty()) continue;
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && text_width(canvas, candidate, style) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace faultline::report
