/* gen-lures.c — writes mailhunt's harmless lure samples (gen-office --lures).
 *
 * Emotet documents show an "Enable Content" screen instead of their content
 * (docs/lures.md).  mailhunt recognises such screens in a document's text
 * and, through OCR, in its pictures.  The repository holds no malware, so
 * the screens are written here: for one template of each family of
 * src/data/lures.txt, in English and Japanese, the screen as text and as a
 * picture drawn with pango/cairo, in .docx/.docm (OOXML) and .doc (Word 97)
 * documents, with and without a macro that only shows a message box; plus
 * documents with ordinary pictures and text as negative controls.
 *
 * Every screen is our own wording around the template's phrases; nothing
 * here downloads or runs anything, and no address other than .invalid
 * appears.  The macros are gen-office.c's (gen-office.h).
 *
 * Deterministic: the pictures are drawn with fixed font options (no
 * hinting, grey antialiasing) in one font, IPAPGothic (Latin and Japanese
 * glyphs), and the containers carry fixed dates and UIDs derived from the
 * content.  The PNG bytes depend on the font and zlib builds, so
 * tests/lure-samples.py compares them only between two runs on one
 * machine, and the committed ones only by their size in pixels. */
#include <string.h>

#include <glib.h>
#include <leptonica/allheaders.h>
#include <pango/pangocairo.h>

#include "gen-office.h"

#define FONT_FAMILY "IPAPGothic"
#define SCREEN_WIDTH 800
#define SCREEN_HEIGHT 450
#define MARGIN 40
#define RESCALED_PERCENT 90   /* the -rescaled.jpg copy: OCR and dHash must survive it */
#define JPEG_QUALITY 75

/* -- what the screens say ------------------------------------------------ */

typedef struct {
	const char *bar;           /* label of the yellow message bar */
	const char *title;
	const char *body;          /* sentences holding the template's phrases */
	const char *instruction;   /* names the buttons */
	const char *buttons[2];    /* the bar's buttons */
} screen_text;

typedef struct {
	const char *template_name;   /* as in src/data/lures.txt */
	const char *family;
	screen_text en, ja;
} lure_screen;

#define BUTTONS_EN { "Enable Editing", "Enable Content" }
#define BUTTONS_JA { "編集を有効にする", "コンテンツの有効化" }
#define BAR_EN "SECURITY WARNING"
#define BAR_JA "セキュリティの警告"

/* One template per family; each text holds at least `require` (3) of its
 * template's phrases of that language verbatim, and no phrase of another
 * family's templates (tests/lure-samples.py checks both). */
static const lure_screen lure_screens[] = {
	{ "windows10-mobile", "another-platform",
	  { BAR_EN, "Microsoft Office",
	    "The operation did not complete successfully because the file was created on a Windows 10 Mobile device.",
	    "To view and edit the document, click Enable Editing, and then click Enable Content.", BUTTONS_EN },
	  { BAR_JA, "Microsoft Office",
	    "このファイルは Windows 10 Mobile デバイスで作成されたため、操作は正常に完了しませんでした。",
	    "文書を表示して編集するには、「編集を有効にする」をクリックしてから「コンテンツの有効化」をクリックしてください。",
	    BUTTONS_JA } },
	{ "earlier-version", "earlier-version",
	  { BAR_EN, "Microsoft Office Word",
	    "This document was created in an earlier version of Microsoft Office Word. "
	    "It has to be converted in order to view or edit this document.",
	    "Please click Enable Editing in the yellow bar above, and then click Enable Content.", BUTTONS_EN },
	  { BAR_JA, "Microsoft Office Word",
	    "このドキュメントは以前のバージョンの Microsoft Office Word で作成されています。表示または編集するには変換が必要です。",
	    "上の黄色いバーの「編集を有効にする」をクリックし、次に「コンテンツの有効化」をクリックしてください。",
	    BUTTONS_JA } },
	{ "protected-view", "protected-view",
	  { BAR_EN, "PROTECTED VIEW",
	    "Be careful: files from the Internet can contain viruses, and this file originated from an Internet location.",
	    "To show the document, click Enable Editing and then click Enable Content.", BUTTONS_EN },
	  { BAR_JA, "保護ビュー",
	    "注意：インターネットから入手したファイルは、ウイルスに感染している可能性があります。",
	    "ドキュメントを表示するには、「編集を有効にする」をクリックしてから「コンテンツの有効化」をクリックしてください。",
	    BUTTONS_JA } },
	{ "document-protected", "protected-document",
	  { BAR_EN, "Protected document",
	    "This document is protected, so previewing is not available. It contains limited or sensitive content.",
	    "To open the document, click Enable Editing and then click Enable Content.", BUTTONS_EN },
	  { BAR_JA, "保護されたドキュメント",
	    "このドキュメントは保護されています。プレビューは利用できません。",
	    "ドキュメントを開くには、「編集を有効にする」をクリックしてから「コンテンツの有効化」をクリックしてください。",
	    BUTTONS_JA } },
	{ "word-upgrade", "fake-office-upgrade",
	  { BAR_EN, "Upgrade your edition of Microsoft Word",
	    "This document needs a newer edition: upgrading your edition will add new features.",
	    "To upgrade now, click Enable Editing and then click Enable Content.", BUTTONS_EN },
	  { BAR_JA, "Microsoft Word のエディションをアップグレード",
	    "このドキュメントを表示するには、新しいエディションが必要です。",
	    "今すぐアップグレードするには、「編集を有効にする」をクリックしてから「コンテンツの有効化」をクリックしてください。",
	    BUTTONS_JA } },
	{ "windows-update", "fake-windows-update",
	  { BAR_EN, "Windows Update",
	    "Microsoft Word needs to be updated before this document can be shown.",
	    "To update, click Enable Editing and then click Enable Content.", BUTTONS_EN },
	  { BAR_JA, "Windows Update",
	    "このドキュメントを表示するには、Microsoft Word を更新する必要があります。",
	    "更新するには、「編集を有効にする」をクリックしてから「コンテンツの有効化」をクリックしてください。",
	    BUTTONS_JA } },
	{ "enable-macros", "enable-macros",
	  { BAR_EN, "Content is hidden",
	    "This document was made with macros, and its content stays hidden until they are allowed.",
	    "Click Enable Editing, then Enable Content, and then Enable Macros.", BUTTONS_EN },
	  { BAR_JA, "コンテンツが表示されていません",
	    "このドキュメントを表示するには、マクロを有効にしてください。",
	    "「編集を有効にする」、「コンテンツの有効化」、「マクロを有効にする」の順にクリックしてください。",
	    BUTTONS_JA } },
};

/* The screen as the text documents hold it: title, sentences, instruction. */
static char *
screen_lines (const screen_text *s)
{
	return g_strdup_printf ("%s\n%s\n%s", s->title, s->body, s->instruction);
}

/* -- drawing ---------------------------------------------------------------- */

typedef void (*draw_func) (cairo_t *cr, PangoContext *pango, const void *what);

/* A pango context whose rendering depends on nothing but the font: no
 * hinting, grey antialiasing, unhinted metrics (the defaults would follow
 * the machine's fontconfig settings). */
static PangoContext *
fixed_pango_context (cairo_t *cr)
{
	PangoContext *pango = pango_cairo_create_context (cr);
	cairo_font_options_t *options = cairo_font_options_create ();
	cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options (pango, options);
	cairo_font_options_destroy (options);
	return pango;
}

static void
set_color (cairo_t *cr, guint32 rgb)
{
	cairo_set_source_rgb (cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0);
}

/* A layout of @text in @px pixels, wrapped at @width (0: no wrapping). */
static PangoLayout *
text_layout (PangoContext *pango, const char *text, double px, double width)
{
	PangoLayout *layout = pango_layout_new (pango);
	PangoFontDescription *font = pango_font_description_from_string (FONT_FAMILY);
	pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
	pango_layout_set_font_description (layout, font);
	pango_font_description_free (font);
	if (width > 0) {
		pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
		pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text (layout, text, -1);
	return layout;
}

/* Draws @text at (@x, @y); returns the height it took. */
static double
draw_text (cairo_t *cr, PangoContext *pango, const char *text, double x, double y,
           double px, double width, guint32 rgb)
{
	PangoLayout *layout = text_layout (pango, text, px, width);
	int w, h;
	pango_layout_get_pixel_size (layout, &w, &h);
	set_color (cr, rgb);
	cairo_move_to (cr, x, y);
	pango_cairo_show_layout (cr, layout);
	g_object_unref (layout);
	return h;
}

static double
text_width (PangoContext *pango, const char *text, double px)
{
	PangoLayout *layout = text_layout (pango, text, px, 0);
	int w, h;
	pango_layout_get_pixel_size (layout, &w, &h);
	g_object_unref (layout);
	return w;
}

/* The lure: an Office-like yellow message bar with a warning sign, its
 * label and the two buttons, then the title, the sentences and the
 * instruction; a small line at the bottom says it is a test sample. */
static void
draw_lure_screen (cairo_t *cr, PangoContext *pango, const void *what)
{
	const screen_text *s = what;
	const double bar_height = 64, button_px = 20, pad = 12;

	set_color (cr, 0xFFF4CE);
	cairo_rectangle (cr, 0, 0, SCREEN_WIDTH, bar_height);
	cairo_fill (cr);
	set_color (cr, 0xE0C46C);
	cairo_rectangle (cr, 0, bar_height - 2, SCREEN_WIDTH, 2);
	cairo_fill (cr);
	/* the warning sign: an amber triangle */
	set_color (cr, 0xE8A317);
	cairo_move_to (cr, 32, 18);
	cairo_line_to (cr, 46, 44);
	cairo_line_to (cr, 18, 44);
	cairo_close_path (cr);
	cairo_fill (cr);
	draw_text (cr, pango, s->bar, 58, 20, 20, 0, 0x3B3B3B);

	double x = SCREEN_WIDTH - 16;
	for (int i = 1; i >= 0; i--) {
		double w = text_width (pango, s->buttons[i], button_px) + 2 * pad;
		x -= w;
		set_color (cr, 0xFFFFFF);
		cairo_rectangle (cr, x, 14, w, 36);
		cairo_fill_preserve (cr);
		set_color (cr, 0x8A8A8A);
		cairo_set_line_width (cr, 1);
		cairo_stroke (cr);
		draw_text (cr, pango, s->buttons[i], x + pad, 20, button_px, 0, 0x1F1F1F);
		x -= 12;
	}

	double y = 92;
	y += draw_text (cr, pango, s->title, MARGIN, y, 30, SCREEN_WIDTH - 2 * MARGIN, 0x1F3864) + 18;
	y += draw_text (cr, pango, s->body, MARGIN, y, 24, SCREEN_WIDTH - 2 * MARGIN, 0x222222) + 18;
	draw_text (cr, pango, s->instruction, MARGIN, y, 24, SCREEN_WIDTH - 2 * MARGIN, 0xA00000);
	draw_text (cr, pango, "mailhunt test sample (harmless)", MARGIN, SCREEN_HEIGHT - 30, 14, 0, 0x9A9A9A);
}

/* -- the negative controls' pictures -- */

static const char *const memo_lines[] = {
	"Quarterly meeting agenda",
	"四半期会議の議題",
	"1. Sales results, October to December / 10月から12月の売上実績",
	"2. Plans for the new Osaka office / 大阪新事務所の計画",
	"3. Spring training schedule / 春季研修の日程",
	"Thursday 10:00, room 4B / 木曜日 10時 会議室4B",
};

static void
draw_memo (cairo_t *cr, PangoContext *pango, const void *what)
{
	set_color (cr, 0x2E5C8A);
	cairo_rectangle (cr, 0, 0, SCREEN_WIDTH, 10);
	cairo_fill (cr);
	double y = 40;
	y += draw_text (cr, pango, memo_lines[0], MARGIN, y, 32, 0, 0x1F3864) + 6;
	y += draw_text (cr, pango, memo_lines[1], MARGIN, y, 28, 0, 0x1F3864) + 24;
	for (guint i = 2; i < G_N_ELEMENTS (memo_lines); i++)
		y += draw_text (cr, pango, memo_lines[i], MARGIN, y, 24, SCREEN_WIDTH - 2 * MARGIN, 0x222222) + 16;
	draw_text (cr, pango, "mailhunt test sample (harmless)", MARGIN, SCREEN_HEIGHT - 30, 14, 0, 0x9A9A9A);
}

static void
draw_chart (cairo_t *cr, PangoContext *pango, const void *what)
{
	static const char *const quarters[] = { "Q1", "Q2", "Q3", "Q4" };
	static const double sales[] = { 42, 58, 51, 73 };   /* fictitious */
	static const guint32 colors[] = { 0x4472C4, 0xED7D31, 0xA5A5A5, 0x70AD47 };
	const double left = 110, bottom = 380, top = 90, right = 760, max_value = 80;

	draw_text (cr, pango, "Sales by quarter, 2025 (fictitious) / 四半期別売上", MARGIN, 24, 26, 0, 0x1F1F1F);
	set_color (cr, 0x404040);
	cairo_set_line_width (cr, 2);
	cairo_move_to (cr, left, top);
	cairo_line_to (cr, left, bottom);
	cairo_line_to (cr, right, bottom);
	cairo_stroke (cr);
	for (int v = 0; v <= 80; v += 20) {
		double y = bottom - (bottom - top) * v / max_value;
		set_color (cr, 0xD9D9D9);
		cairo_set_line_width (cr, 1);
		cairo_move_to (cr, left + 1, y);
		cairo_line_to (cr, right, y);
		cairo_stroke (cr);
		g_autofree char *label = g_strdup_printf ("%d", v);
		draw_text (cr, pango, label, left - 14 - text_width (pango, label, 18), y - 11, 18, 0, 0x404040);
	}
	double slot = (right - left) / G_N_ELEMENTS (quarters);
	for (guint i = 0; i < G_N_ELEMENTS (quarters); i++) {
		double h = (bottom - top) * sales[i] / max_value;
		double x = left + slot * i + slot * 0.25;
		set_color (cr, colors[i]);
		cairo_rectangle (cr, x, bottom - h, slot * 0.5, h);
		cairo_fill (cr);
		draw_text (cr, pango, quarters[i], x + slot * 0.25 - text_width (pango, quarters[i], 20) / 2,
		           bottom + 8, 20, 0, 0x404040);
	}
	draw_text (cr, pango, "million yen / 百万円", 14, 60, 18, 0, 0x404040);
}

/* A "photo": sky, sun and hills in gradients, and no text at all. */
static void
draw_photo (cairo_t *cr, PangoContext *pango, const void *what)
{
	cairo_pattern_t *sky = cairo_pattern_create_linear (0, 0, 0, SCREEN_HEIGHT);
	cairo_pattern_add_color_stop_rgb (sky, 0, 0.35, 0.60, 0.90);
	cairo_pattern_add_color_stop_rgb (sky, 1, 0.85, 0.93, 1.00);
	cairo_set_source (cr, sky);
	cairo_paint (cr);
	cairo_pattern_destroy (sky);

	cairo_pattern_t *sun = cairo_pattern_create_radial (620, 110, 10, 620, 110, 70);
	cairo_pattern_add_color_stop_rgba (sun, 0, 1.0, 0.95, 0.6, 1);
	cairo_pattern_add_color_stop_rgba (sun, 1, 1.0, 0.80, 0.3, 0);
	cairo_set_source (cr, sun);
	cairo_arc (cr, 620, 110, 70, 0, 2 * G_PI);
	cairo_fill (cr);
	cairo_pattern_destroy (sun);

	static const struct { double base, height; guint32 near, far; } hills[] = {
		{ 330, 90, 0x4F8A3C, 0x7DB35E },
		{ 390, 70, 0x2F6B2A, 0x5C9A45 },
	};
	for (guint i = 0; i < G_N_ELEMENTS (hills); i++) {
		cairo_pattern_t *g = cairo_pattern_create_linear (0, hills[i].base - hills[i].height, 0, SCREEN_HEIGHT);
		cairo_pattern_add_color_stop_rgb (g, 0, ((hills[i].far >> 16) & 0xFF) / 255.0,
		                                  ((hills[i].far >> 8) & 0xFF) / 255.0, (hills[i].far & 0xFF) / 255.0);
		cairo_pattern_add_color_stop_rgb (g, 1, ((hills[i].near >> 16) & 0xFF) / 255.0,
		                                  ((hills[i].near >> 8) & 0xFF) / 255.0, (hills[i].near & 0xFF) / 255.0);
		cairo_move_to (cr, 0, hills[i].base);
		cairo_curve_to (cr, 200, hills[i].base - 2 * hills[i].height, 450 + 100 * i, hills[i].base + hills[i].height,
		                SCREEN_WIDTH, hills[i].base - hills[i].height);
		cairo_line_to (cr, SCREEN_WIDTH, SCREEN_HEIGHT);
		cairo_line_to (cr, 0, SCREEN_HEIGHT);
		cairo_close_path (cr);
		cairo_set_source (cr, g);
		cairo_fill (cr);
		cairo_pattern_destroy (g);
	}
}

/* Draws on a white @scale-sized surface. */
static cairo_surface_t *
render (draw_func draw, const void *what, double scale)
{
	int width = (int) (SCREEN_WIDTH * scale + 0.5), height = (int) (SCREEN_HEIGHT * scale + 0.5);
	cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
	cairo_t *cr = cairo_create (surface);
	cairo_set_source_rgb (cr, 1, 1, 1);
	cairo_paint (cr);
	cairo_scale (cr, scale, scale);
	PangoContext *pango = fixed_pango_context (cr);
	draw (cr, pango, what);
	g_object_unref (pango);
	if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
		g_error ("drawing failed: %s", cairo_status_to_string (cairo_status (cr)));
	cairo_destroy (cr);
	cairo_surface_flush (surface);
	return surface;
}

static cairo_status_t
append_png (void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append (closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static GBytes *
surface_png (cairo_surface_t *surface)
{
	GByteArray *png = g_byte_array_new ();
	if (cairo_surface_write_to_png_stream (surface, append_png, png) != CAIRO_STATUS_SUCCESS)
		g_error ("cannot encode a PNG");
	return g_byte_array_free_to_bytes (png);
}

/* JPEG through Leptonica, the library that decodes pictures in mailhunt. */
static GBytes *
surface_jpeg (cairo_surface_t *surface)
{
	int width = cairo_image_surface_get_width (surface), height = cairo_image_surface_get_height (surface);
	int stride = cairo_image_surface_get_stride (surface);
	const unsigned char *data = cairo_image_surface_get_data (surface);
	PIX *pix = pixCreate (width, height, 32);
	if (!pix)
		g_error ("cannot create a Leptonica picture");
	l_uint32 *pixels = pixGetData (pix);
	int wpl = pixGetWpl (pix);
	for (int y = 0; y < height; y++) {
		const guint32 *row = (const guint32 *) (data + (gsize) y * stride);
		for (int x = 0; x < width; x++) {
			guint32 rgb = row[x];   /* cairo: 0x00RRGGBB in native order */
			composeRGBPixel ((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, pixels + y * wpl + x);
		}
	}
	l_uint8 *jpeg = NULL;
	size_t len = 0;
	if (pixWriteMemJpeg (&jpeg, &len, pix, JPEG_QUALITY, 0) != 0 || !jpeg)
		g_error ("cannot encode a JPEG");
	pixDestroy (&pix);
	GBytes *bytes = g_bytes_new (jpeg, len);
	lept_free (jpeg);
	return bytes;
}

/* The picture as PNG (full size) and, when @rescaled is set, drawn again at
 * RESCALED_PERCENT as JPEG. */
static word_picture
draw_picture (draw_func draw, const void *what, GBytes **rescaled)
{
	cairo_surface_t *surface = render (draw, what, 1.0);
	word_picture picture = {
		.png = surface_png (surface),
		.width = (guint) cairo_image_surface_get_width (surface),
		.height = (guint) cairo_image_surface_get_height (surface),
	};
	cairo_surface_destroy (surface);
	if (rescaled) {
		surface = render (draw, what, RESCALED_PERCENT / 100.0);
		*rescaled = surface_jpeg (surface);
		cairo_surface_destroy (surface);
	}
	return picture;
}

/* -- the samples ------------------------------------------------------------ */

static void
add_row (GString *tsv, const char *file, const char *template_name, const char *family,
         const char *language, const char *lure_in, gboolean macros, const char *verdict)
{
	g_string_append_printf (tsv, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", file, template_name, family, language,
	                        lure_in, macros ? "yes" : "no", verdict);
}

/* The verdict of docs/lures.md once the lure is found: malicious with
 * macros, suspicious without. */
static const char *
lure_verdict (gboolean macros)
{
	return macros ? "malicious" : "suspicious";
}

static void
write_lure_samples (const char *outdir, const lure_screen *l, const char *language,
                    const screen_text *s, GString *tsv)
{
	g_autofree char *stem = g_strdup_printf ("%s-%s", l->template_name, language);
	g_autofree char *text = screen_lines (s);
	g_autoptr (GBytes) jpeg = NULL;
	word_picture picture = draw_picture (draw_lure_screen, s, &jpeg);

	struct {
		const char *suffix, *lure_in;
		gboolean macros;
	} files[] = {
		{ "-text.docx", "text", FALSE },
		{ "-text.doc", "text", TRUE },
		{ "-picture.docm", "picture", TRUE },
		{ "-picture.doc", "picture", FALSE },
	};
	for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
		g_autofree char *file = g_strconcat (stem, files[i].suffix, NULL);
		g_autoptr (GBytes) document = NULL;
		gboolean picture_doc = strcmp (files[i].lure_in, "picture") == 0;
		if (g_str_has_suffix (file, ".doc"))
			document = picture_doc ? word_doc_build ("\x01", &picture, NULL)
			                       : word_doc_build (text, NULL, &project_autoopen);
		else
			document = picture_doc ? word_package_build (stem, NULL, &picture, &project_document_open)
			                       : word_package_build (stem, text, NULL, NULL);
		gen_write_bytes (outdir, file, document);
		add_row (tsv, file, l->template_name, l->family, language, files[i].lure_in, files[i].macros,
		         lure_verdict (files[i].macros));
	}
	g_autofree char *png = g_strdup_printf ("images/%s.png", stem);
	g_autofree char *jpg = g_strdup_printf ("images/%s-rescaled.jpg", stem);
	gen_write_bytes (outdir, png, picture.png);
	gen_write_bytes (outdir, jpg, jpeg);
	g_bytes_unref (picture.png);
}

static const char memo_caption[] =
	"Agenda of the quarterly meeting, as shown on the screen of room 4B. Please bring your figures.\n"
	"四半期会議の議題です。数字をお持ちください。";
static const char chart_text[] =
	"Sales by quarter\n"
	"The chart below shows the sales of each quarter of 2025 for the internal review. "
	"All numbers are fictitious; this is a mailhunt test sample and it is harmless.";
static const char photo_text[] =
	"Spring company outing\n"
	"A picture of the hills near the office, taken on the spring outing.\n"
	"\x01\n"
	"This is a mailhunt test sample. It is harmless.";
/* Help text may name the button once: the lure templates require 3
 * phrases, so one button name (1 of 3) must not make it a lure. */
static const char howto_text[] =
	"How to edit a file from a colleague\n"
	"Word opens files that came by e-mail read-only. If you expected the file and trust the sender, "
	"click Enable Editing in the bar at the top of the window. If you did not expect the file, "
	"close it and ask the sender by telephone.\n"
	"同僚から届いたファイルを編集する方法：心当たりのないファイルは閉じて、送信者に電話で確認してください。\n"
	"(mailhunt test sample, harmless)";

static void
write_controls (const char *outdir, GString *tsv)
{
	word_picture memo = draw_picture (draw_memo, NULL, NULL);
	word_picture chart = draw_picture (draw_chart, NULL, NULL);
	word_picture photo = draw_picture (draw_photo, NULL, NULL);
	struct {
		const char *file;
		GBytes *document;
		const char *verdict;
		gboolean macros;
	} controls[] = {
		{ "control-memo-picture.docm",
		  word_package_build ("control-memo-picture", memo_caption, &memo, &project_macros_only), "macros", TRUE },
		{ "control-chart-picture.docx",
		  word_package_build ("control-chart-picture", chart_text, &chart, NULL), "clean", FALSE },
		{ "control-photo.doc", word_doc_build (photo_text, &photo, NULL), "clean", FALSE },
		{ "control-howto.docx", word_package_build ("control-howto", howto_text, NULL, NULL), "clean", FALSE },
	};
	for (guint i = 0; i < G_N_ELEMENTS (controls); i++) {
		gen_write_bytes (outdir, controls[i].file, controls[i].document);
		add_row (tsv, controls[i].file, "-", "-", "-", "-", controls[i].macros, controls[i].verdict);
		g_bytes_unref (controls[i].document);
	}
	gen_write_bytes (outdir, "images/control-memo.png", memo.png);
	gen_write_bytes (outdir, "images/control-chart.png", chart.png);
	gen_write_bytes (outdir, "images/control-photo.png", photo.png);
	g_bytes_unref (memo.png);
	g_bytes_unref (chart.png);
	g_bytes_unref (photo.png);
}

static const char readme_text[] =
	"# Harmless lure samples\n"
	"\n"
	"Written by `tests/gen-office --lures DIR` (`tests/gen-lures.c`); `make lure-samples`\n"
	"rewrites this directory, `tests/lure-samples.py` checks it. Do not edit by hand.\n"
	"\n"
	"Emotet documents show an \"Enable Content\" screen instead of their content\n"
	"(`docs/lures.md`). These documents imitate such screens so that mailhunt's lure\n"
	"recognition (text, OCR of pictures, fingerprints) can be tested. **Everything here is\n"
	"harmless**: the screens are our own wording around the phrases of `src/data/lures.txt`,\n"
	"the only macros show a message box (`MsgBox`) and do nothing else, nothing downloads,\n"
	"writes or runs anything, and no address appears other than the XML namespaces of\n"
	"OOXML. Every picture also says \"mailhunt test sample (harmless)\" in small grey\n"
	"letters.\n"
	"\n"
	"## Lure samples\n"
	"\n"
	"One template per family of `src/data/lures.txt` (`windows10-mobile`, `earlier-version`,\n"
	"`protected-view`, `document-protected`, `word-upgrade`, `windows-update`,\n"
	"`enable-macros`), each in English (`en`) and Japanese (`ja`). The screen is a title, one\n"
	"or two sentences holding the template's phrases of that language verbatim (at least\n"
	"`require` of them), and an instruction naming the buttons (en \"Enable Editing\" /\n"
	"\"Enable Content\"; ja 「編集を有効にする」「コンテンツの有効化」, and for `enable-macros`\n"
	"also 「マクロを有効にする」). For each `TEMPLATE-LANG`:\n"
	"\n"
	"| file | what it is |\n"
	"|---|---|\n"
	"| `TEMPLATE-LANG-text.docx` | the screen as paragraphs; no macro |\n"
	"| `TEMPLATE-LANG-text.doc` | the screen as Word 97 text (one piece: CP1252 for English, UTF-16 for Japanese), with a VBA `AutoOpen` that only shows a message box |\n"
	"| `TEMPLATE-LANG-picture.docm` | only a picture of the screen (`word/media/image1.png`, inline `w:drawing`), with a `Document_Open` that only shows a message box |\n"
	"| `TEMPLATE-LANG-picture.doc` | only the same PNG, as a Word 97 inline picture: one 0x01 character whose CHPX has sprmCFSpec and sprmCPicLocation, pointing at a PICF + OfficeArt shape + FBSE + OfficeArtBlipPNG in the Data stream; no macro |\n"
	"| `images/TEMPLATE-LANG.png` | the screen, 800x450, drawn with pango/cairo in IPAPGothic |\n"
	"| `images/TEMPLATE-LANG-rescaled.jpg` | the same screen drawn at 90 % (720x405), JPEG quality 75 (Leptonica) |\n"
	"\n"
	"## Negative controls\n"
	"\n"
	"No lure template may be found in these, by text or by OCR.\n"
	"\n"
	"| file | what it is |\n"
	"|---|---|\n"
	"| `control-memo-picture.docm` | a picture of an ordinary meeting agenda in English and Japanese (`images/control-memo.png`) and a two-line caption; a macro that only shows a message box and that no auto-exec procedure starts |\n"
	"| `control-chart-picture.docx` | a bar chart with axis labels (`images/control-chart.png`) and a paragraph of ordinary text |\n"
	"| `control-photo.doc` | a picture of gradients and shapes without any text (`images/control-photo.png`) between ordinary paragraphs |\n"
	"| `control-howto.docx` | help text that names \"Enable Editing\" once, as help pages do: 1 phrase, below every template's `require` of 3 |\n"
	"\n"
	"## expected.tsv\n"
	"\n"
	"One row per document (not per image): `file`, `template` (`-` for controls), `family`,\n"
	"`language`, `lure_in` (`text`, `picture`, `-`), `macros` (`yes`, `no`) and\n"
	"`expected_verdict`, the verdict of `src/office/document.c` once the lure is recognised\n"
	"(for pictures: by OCR):\n"
	"\n"
	"- a lure with macros is `malicious`, a lure alone `suspicious` (`docs/lures.md`);\n"
	"- without the lure (no OCR), a `-picture.docm` would still be `suspicious` (an\n"
	"  auto-exec procedure; and a picture-only page with macros), a `-picture.doc` `clean`\n"
	"  (`doc.picture-only` is low and alone changes nothing), a `-text.docx` `clean`;\n"
	"- `control-memo-picture.docm`: `macros` — its macro has no auto-exec procedure (an\n"
	"  auto-exec one, even a message box, is `vba.autoexec` and `suspicious`), and its caption\n"
	"  has more than the 40 visible characters under which a page with a picture is\n"
	"  `doc.picture-only` (which with macros would be `suspicious`);\n"
	"- the other controls are `clean`: `control-photo.doc` has a picture and enough text, so\n"
	"  it is not picture-only either.\n"
	"\n"
	"## Determinism\n"
	"\n"
	"Two runs give the same bytes: fixed dates in the ZIPs and zero times in the compound\n"
	"files, BLIP UIDs that are the MD5 of the PNG, fixed font options (grey antialiasing, no\n"
	"hinting, unhinted metrics) and one font. The pictures depend on the installed font,\n"
	"pango, cairo and zlib builds, so other machines may draw them differently:\n"
	"`tests/lure-samples.py` compares the committed pictures by their size in pixels only.\n";

void
lures_generate (const char *outdir)
{
	GString *tsv = g_string_new ("file\ttemplate\tfamily\tlanguage\tlure_in\tmacros\texpected_verdict\n");
	for (guint i = 0; i < G_N_ELEMENTS (lure_screens); i++) {
		write_lure_samples (outdir, &lure_screens[i], "en", &lure_screens[i].en, tsv);
		write_lure_samples (outdir, &lure_screens[i], "ja", &lure_screens[i].ja, tsv);
	}
	write_controls (outdir, tsv);
	gen_write_file (outdir, "expected.tsv", tsv->str, tsv->len);
	gen_write_file (outdir, "README.md", readme_text, strlen (readme_text));
	g_string_free (tsv, TRUE);

	/* pango and cairo keep their font caches until told to drop them;
	 * dropped here so that the sanitizer build can report our leaks */
	pango_cairo_font_map_set_default (NULL);
	cairo_debug_reset_static_data ();
}
