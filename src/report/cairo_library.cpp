// cairo and FreeType, opened on first use (util/shared_library.hpp): the forwarders of the
// functions the charts call. A new cairo call fails to link until its line is added here.
#include <cairo/cairo-ft.h>
#include <cairo/cairo-svg.h>
#include <cairo/cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "faultline/util/shared_library.hpp"

namespace {

faultline::util::SharedLibrary& cairo() {
  static faultline::util::SharedLibrary library("libcairo.so.2", "libcairo2");
  return library;
}

faultline::util::SharedLibrary& freetype() {
  static faultline::util::SharedLibrary library("libfreetype.so.6", "libfreetype6");
  return library;
}

}  // namespace

FAULTLINE_FORWARD(cairo(), void, cairo_arc, (cairo_t *a0, double a1, double a2, double a3, double a4, double a5), (a0, a1, a2, a3, a4, a5))
FAULTLINE_FORWARD(cairo(), void, cairo_clip, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_close_path, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), cairo_t *, cairo_create, (cairo_surface_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_destroy, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_fill_preserve, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_font_face_destroy, (cairo_font_face_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), cairo_status_t, cairo_font_face_set_user_data, (cairo_font_face_t *a0, const cairo_user_data_key_t *a1, void *a2, cairo_destroy_func_t a3), (a0, a1, a2, a3))
FAULTLINE_FORWARD(cairo(), cairo_font_options_t *, cairo_font_options_create, (), ())
FAULTLINE_FORWARD(cairo(), void, cairo_font_options_destroy, (cairo_font_options_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_font_options_set_antialias, (cairo_font_options_t *a0, cairo_antialias_t a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_font_options_set_hint_metrics, (cairo_font_options_t *a0, cairo_hint_metrics_t a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_font_options_set_hint_style, (cairo_font_options_t *a0, cairo_hint_style_t a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), cairo_font_face_t *, cairo_ft_font_face_create_for_ft_face, (FT_Face a0, int a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), cairo_surface_t *, cairo_image_surface_create, (cairo_format_t a0, int a1, int a2), (a0, a1, a2))
FAULTLINE_FORWARD(cairo(), void, cairo_line_to, (cairo_t *a0, double a1, double a2), (a0, a1, a2))
FAULTLINE_FORWARD(cairo(), void, cairo_move_to, (cairo_t *a0, double a1, double a2), (a0, a1, a2))
FAULTLINE_FORWARD(cairo(), void, cairo_new_path, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_paint, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_rectangle, (cairo_t *a0, double a1, double a2, double a3, double a4), (a0, a1, a2, a3, a4))
FAULTLINE_FORWARD(cairo(), void, cairo_restore, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_rotate, (cairo_t *a0, double a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_save, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_set_dash, (cairo_t *a0, const double *a1, int a2, double a3), (a0, a1, a2, a3))
FAULTLINE_FORWARD(cairo(), void, cairo_set_font_face, (cairo_t *a0, cairo_font_face_t *a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_set_font_options, (cairo_t *a0, const cairo_font_options_t *a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_set_font_size, (cairo_t *a0, double a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_set_line_join, (cairo_t *a0, cairo_line_join_t a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_set_line_width, (cairo_t *a0, double a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_set_source_rgb, (cairo_t *a0, double a1, double a2, double a3), (a0, a1, a2, a3))
FAULTLINE_FORWARD(cairo(), void, cairo_set_source_rgba, (cairo_t *a0, double a1, double a2, double a3, double a4), (a0, a1, a2, a3, a4))
FAULTLINE_FORWARD(cairo(), void, cairo_show_text, (cairo_t *a0, const char *a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), cairo_status_t, cairo_status, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), const char *, cairo_status_to_string, (cairo_status_t a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_stroke, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_stroke_preserve, (cairo_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_surface_destroy, (cairo_surface_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_surface_finish, (cairo_surface_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), void, cairo_surface_flush, (cairo_surface_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), cairo_status_t, cairo_surface_status, (cairo_surface_t *a0), (a0))
FAULTLINE_FORWARD(cairo(), cairo_status_t, cairo_surface_write_to_png_stream, (cairo_surface_t *a0, cairo_write_func_t a1, void *a2), (a0, a1, a2))
FAULTLINE_FORWARD(cairo(), cairo_surface_t *, cairo_svg_surface_create_for_stream, (cairo_write_func_t a0, void *a1, double a2, double a3), (a0, a1, a2, a3))
FAULTLINE_FORWARD(cairo(), void, cairo_svg_surface_set_document_unit, (cairo_surface_t *a0, cairo_svg_unit_t a1), (a0, a1))
FAULTLINE_FORWARD(cairo(), void, cairo_text_extents, (cairo_t *a0, const char *a1, cairo_text_extents_t *a2), (a0, a1, a2))
FAULTLINE_FORWARD(cairo(), cairo_font_face_t *, cairo_toy_font_face_create, (const char *a0, cairo_font_slant_t a1, cairo_font_weight_t a2), (a0, a1, a2))
FAULTLINE_FORWARD(cairo(), void, cairo_translate, (cairo_t *a0, double a1, double a2), (a0, a1, a2))

FAULTLINE_FORWARD(freetype(), FT_Error, FT_Done_Face, (FT_Face a0), (a0))
FAULTLINE_FORWARD(freetype(), FT_Error, FT_Done_FreeType, (FT_Library a0), (a0))
FAULTLINE_FORWARD(freetype(), FT_Error, FT_Init_FreeType, (FT_Library *a0), (a0))
FAULTLINE_FORWARD(freetype(), FT_Error, FT_New_Face, (FT_Library a0, const char *a1, FT_Long a2, FT_Face *a3), (a0, a1, a2, a3))
