/* Optional accelerator for xxgk.read.pdf: the per-character and per-page-object loops over PDFium.

Why C: a Chromium print starts a new text object at nearly every character, so a page of 1,000
characters costs ~5,000 calls across ctypes (code, box, size per character; object and type per page
object) at ~0.5 µs each, more than the whole layout (bench/RESULTS.md). Here each call is a plain C
call through the function pointer pypdfium2 already resolved; nothing is linked against PDFium.

The Python loops in xxgk/read/pdf/pdfium.py (read_chars_py, objects_py) are the reference: same filter,
same float arithmetic, same order. tests/read/test_pdfscan.py compares the two on every corpus
producer. Without a C compiler the package installs without this module and the reader uses them.
*/

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

typedef struct {
    float left, top, right, bottom; /* FS_RECTF's field order */
} rectf;

typedef unsigned int (*unicode_fn)(void *, int);
typedef int (*box_fn)(void *, int, rectf *);
typedef double (*size_fn)(void *, int);
typedef int (*char_matrix_fn)(void *, int, float *); /* FS_MATRIX: six floats */
typedef int (*origin_fn)(void *, int, double *, double *);
typedef int (*char_box_fn)(void *, int, double *, double *, double *, double *);
typedef int (*count_fn)(void *);
typedef void *(*page_object_fn)(void *, int);
typedef void *(*form_object_fn)(void *, unsigned long);
typedef int (*type_fn)(void *);
typedef int (*bounds_fn)(void *, float *, float *, float *, float *);

/* The version of this module's interface; xxgk/read/pdf/pdfium.py uses the C loops only when it is
   the one it calls (an older build left in place falls back to the Python loops). */
#define PDFSCAN_VERSION 2

#define PAGEOBJ_PATH 2
#define PAGEOBJ_IMAGE 3
#define PAGEOBJ_FORM 5

static void *
as_pointer(PyObject *o)
{
    return PyLong_AsVoidPtr(o);
}

/* The scale of the character's matrix (text matrix and CTM): the square root of its determinant; 1
   when PDFium gives none. *turn: the quarter turns counter-clockwise of the character's baseline (0
   upright, 1 reading bottom to top, 2 upside down, 3 reading top to bottom), as _turn_of in
   xxgk/read/pdf/pdfium.py. */
static double
matrix_scale(char_matrix_fn get_matrix, void *textpage, int k, long *turn)
{
    float m[6];
    *turn = 0;
    if (!get_matrix(textpage, k, m))
        return 1.0;
    double a = m[0], b = m[1], c = m[2], d = m[3];
    if (fabs(b) > fabs(a))
        *turn = b > 0.0 ? 1 : 3;
    else if (a < 0.0)
        *turn = 2;
    return sqrt(fabs(a * d - b * c));
}

/* The loose box of a character of a vertical-writing font (Identity-V and the like), which PDFium
   computes from the font size alone, ignoring the text matrix: scaled about the character's origin by
   the matrix's scale s. The same test and arithmetic as _VerticalBox in xxgk/read/pdf/pdfium.py (see
   there); returns 1 when the box was corrected. */
static int
vertical_box(origin_fn get_origin, char_box_fn get_char_box, void *textpage, int k, double size, double s,
             double *left, double *bottom, double *right, double *top)
{
    if (!(size > 0.0) || fabs((*right - *left) - size) > 1e-4 * size)
        return 0;
    if (!(s > 0.0) || fabs(s - 1.0) <= 0.01)
        return 0;
    double ox, oy;
    if (!get_origin(textpage, k, &ox, &oy))
        return 0;
    double nl = ox + (*left - ox) * s;
    double nb = oy + (*bottom - oy) * s;
    double nr = nl + (*right - *left) * s;
    double nt = nb + (*top - *bottom) * s;
    double l, r, bt, t;
    if (get_char_box(textpage, k, &l, &r, &bt, &t) && (r > l || t > bt)) {
        double slack = 0.25 * (nr - nl);
        if (l < nl - slack || r > nr + slack || bt < nb - slack || t > nt + slack)
            return 0;
    }
    *left = nl;
    *bottom = nb;
    *right = nr;
    *top = nt;
    return 1;
}

/* chars(unicode, box, size, matrix, origin, char_box, textpage, n, height, skip, ctor)
       -> list of ctor(c, x0, top, x1, bottom, size, turn)

   size is the font size as printed: PDFium's (the Tf operand) times the scale of the character's
   matrix, or the box's height when that is not positive.

   The first seven arguments are addresses (ints): PDFium's FPDFText_GetUnicode,
   FPDFText_GetLooseCharBox, FPDFText_GetFontSize, FPDFText_GetMatrix, FPDFText_GetCharOrigin,
   FPDFText_GetCharBox and the text page handle. skip is a frozenset of code points to leave out. A
   character is kept when its code is above U+0020, not in skip, not whitespace below U+2E80, and
   PDFium gives it a box that is not empty in both directions. */
static PyObject *
chars(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 11) {
        PyErr_SetString(PyExc_TypeError, "chars() takes 11 arguments");
        return NULL;
    }
    unicode_fn get_unicode = (unicode_fn)as_pointer(args[0]);
    box_fn get_box = (box_fn)as_pointer(args[1]);
    size_fn get_size = (size_fn)as_pointer(args[2]);
    char_matrix_fn get_matrix = (char_matrix_fn)as_pointer(args[3]);
    origin_fn get_origin = (origin_fn)as_pointer(args[4]);
    char_box_fn get_char_box = (char_box_fn)as_pointer(args[5]);
    void *textpage = as_pointer(args[6]);
    long n = PyLong_AsLong(args[7]);
    double height = PyFloat_AsDouble(args[8]);
    PyObject *skip = args[9], *ctor = args[10];
    if (PyErr_Occurred())
        return NULL;
    if (!get_unicode || !get_box || !get_size || !get_matrix || !get_origin || !get_char_box || !textpage || !PyAnySet_Check(skip)) {
        PyErr_SetString(PyExc_ValueError, "chars(): null function, null text page or skip not a set");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    long low = -1; /* the index of a low surrogate already joined to the character before it */
    for (long k = 0; k < n; k++) {
        if (k == low)
            continue;
        unsigned int code = get_unicode(textpage, (int)k);
        if (code <= 0x20)
            continue;
        if (code >= 0xD800 && (code <= 0xDFFF || code > 0x10FFFF)) {
            /* a surrogate pair joined; a lone surrogate or no code point at all reads U+FFFD */
            unsigned int following = (code <= 0xDBFF && k + 1 < n) ? get_unicode(textpage, (int)(k + 1)) : 0;
            if (following >= 0xDC00 && following <= 0xDFFF) {
                code = 0x10000 + ((code - 0xD800) << 10) + (following - 0xDC00);
                low = k + 1;
            } else {
                code = 0xFFFD;
            }
        }
        PyObject *key = PyLong_FromUnsignedLong(code);
        if (!key)
            goto fail;
        int skipped = PySet_Contains(skip, key);
        Py_DECREF(key);
        if (skipped < 0)
            goto fail;
        if (skipped || (code < 0x2E80 && Py_UNICODE_ISSPACE(code)))
            continue;
        rectf r;
        if (!get_box(textpage, (int)k, &r))
            continue;
        double left = r.left, bottom = r.bottom, right = r.right, top = r.top;
        if (right <= left && top <= bottom)
            continue;
        double font_size = get_size(textpage, (int)k);
        long turn;
        double s = matrix_scale(get_matrix, textpage, (int)k, &turn);
        vertical_box(get_origin, get_char_box, textpage, (int)k, font_size, s, &left, &bottom, &right, &top);
        double size = font_size * s; /* the size as printed (pdfplumber's), not the Tf operand */
        if (!(size > 0.0))
            size = top - bottom;
        PyObject *a[7];
        a[0] = PyUnicode_FromOrdinal((int)code);
        a[1] = PyFloat_FromDouble(left);
        a[2] = PyFloat_FromDouble(height - top);
        a[3] = PyFloat_FromDouble(right);
        a[4] = PyFloat_FromDouble(height - bottom);
        a[5] = PyFloat_FromDouble(size);
        a[6] = PyLong_FromLong(turn);
        PyObject *ch = NULL;
        if (a[0] && a[1] && a[2] && a[3] && a[4] && a[5] && a[6])
            ch = PyObject_Vectorcall(ctor, a, 7, NULL);
        for (int i = 0; i < 7; i++)
            Py_XDECREF(a[i]);
        if (!ch)
            goto fail;
        int err = PyList_Append(out, ch);
        Py_DECREF(ch);
        if (err < 0)
            goto fail;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* objects(count, get, form_count, form_get, type, bounds, parent, is_form, limit)
       -> (count, [(handle, kind, left, bottom, right, top), ...])

   The parent's objects (a page's, or a form XObject's when is_form), the first `limit` of them,
   in order; only paths and images whose bounds PDFium gives (with them), and form XObjects (bounds
   0). Text objects, the bulk of a page, never cross into Python. */
static PyObject *
objects(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 9) {
        PyErr_SetString(PyExc_TypeError, "objects() takes 9 arguments");
        return NULL;
    }
    count_fn page_count = (count_fn)as_pointer(args[0]);
    page_object_fn page_get = (page_object_fn)as_pointer(args[1]);
    count_fn form_count = (count_fn)as_pointer(args[2]);
    form_object_fn form_get = (form_object_fn)as_pointer(args[3]);
    type_fn get_type = (type_fn)as_pointer(args[4]);
    bounds_fn get_bounds = (bounds_fn)as_pointer(args[5]);
    void *parent = as_pointer(args[6]);
    int is_form = PyObject_IsTrue(args[7]);
    long limit = PyLong_AsLong(args[8]);
    if (PyErr_Occurred())
        return NULL;
    if (!page_count || !page_get || !form_count || !form_get || !get_type || !get_bounds || !parent) {
        PyErr_SetString(PyExc_ValueError, "objects(): null function or null parent");
        return NULL;
    }
    int count = is_form ? form_count(parent) : page_count(parent);
    long n = count < 0 ? 0 : count;
    if (n > limit)
        n = limit;
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    for (long i = 0; i < n; i++) {
        void *obj = is_form ? form_get(parent, (unsigned long)i) : page_get(parent, (int)i);
        if (!obj)
            continue;
        int kind = get_type(obj);
        float l = 0, b = 0, r = 0, t = 0;
        if (kind == PAGEOBJ_PATH || kind == PAGEOBJ_IMAGE) {
            if (!get_bounds(obj, &l, &b, &r, &t))
                continue;
        } else if (kind != PAGEOBJ_FORM) {
            continue;
        }
        PyObject *row = Py_BuildValue("(Nidddd)", PyLong_FromVoidPtr(obj), kind, (double)l, (double)b, (double)r, (double)t);
        if (!row)
            goto fail;
        int err = PyList_Append(out, row);
        Py_DECREF(row);
        if (err < 0)
            goto fail;
    }
    return Py_BuildValue("(iN)", count, out);
fail:
    Py_DECREF(out);
    return NULL;
}

/* PDF whitespace and delimiters (ISO 32000-1, 7.2.2). */
static int
is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static int
is_delimiter(unsigned char c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

/* differences(body) -> bytes | None

   The inside of a Differences array `0 /g0 /g0 /a /g0 ...` (code 0, then one name per code) with the
   codes that name /g0 again left out: `0 /g0 3 /a`, padded with spaces to the same length. None
   when the array has another form or another name at code 0, when fewer than half its names are
   /g0, or when the result would be longer. xxgk/read/type3.py (_differences_py) is the reference. */
static PyObject *
differences(PyObject *self, PyObject *arg)
{
    char *buf;
    Py_ssize_t len;
    if (PyBytes_AsStringAndSize(arg, &buf, &len) < 0)
        return NULL;
    const unsigned char *s = (const unsigned char *)buf;
    Py_ssize_t i = 0;
    while (i < len && is_space(s[i]))
        i++;
    if (i >= len || s[i] != '0')
        Py_RETURN_NONE;
    i++;
    if (i >= len || !is_space(s[i]))
        Py_RETURN_NONE;
    /* first pass: validate, find the placeholder, count names and placeholders */
    Py_ssize_t ph = -1, ph_len = 0, names = 0, same = 0;
    while (1) {
        while (i < len && is_space(s[i]))
            i++;
        if (i >= len)
            break;
        if (s[i] != '/')
            Py_RETURN_NONE;
        Py_ssize_t start = i++;
        while (i < len && !is_space(s[i]) && !is_delimiter(s[i]))
            i++;
        if (i < len && !is_space(s[i]))
            Py_RETURN_NONE; /* a delimiter right after a name: not the simple form */
        Py_ssize_t n = i - start;
        if (n < 2)
            Py_RETURN_NONE;
        if (ph < 0) {
            ph = start;
            ph_len = n;
        } else if (n == ph_len && memcmp(s + start, s + ph, (size_t)n) == 0) {
            same++;
        }
        names++;
    }
    if (ph < 0 || ph_len != 3 || memcmp(s + ph, "/g0", 3) != 0 || names < 2 || (names - 1 - same) * 2 > names + 1)
        Py_RETURN_NONE; /* only Chromium's placeholder, /g0: a name that gives no character */
    /* second pass: write "0 /p" and "code /name" for every other name */
    PyObject *out = PyBytes_FromStringAndSize(NULL, len);
    if (!out)
        return NULL;
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out);
    Py_ssize_t w = 0;
    o[w++] = '0';
    o[w++] = ' ';
    memcpy(o + w, s + ph, (size_t)ph_len);
    w += ph_len;
    Py_ssize_t code = -1;
    i = ph;
    while (1) {
        while (i < len && is_space(s[i]))
            i++;
        if (i >= len)
            break;
        Py_ssize_t start = i;
        while (i < len && !is_space(s[i]))
            i++;
        Py_ssize_t n = i - start;
        code++;
        if (code == 0)
            continue;
        /* 32, 65, 103 (' ', 'A', 'g') keep their names: PDFium measures a font's ascent and descent
           on the glyphs of 'A' and 'g', and its word spacing on ' ' */
        if (code != 32 && code != 65 && code != 103 && n == ph_len && memcmp(s + start, s + ph, (size_t)n) == 0)
            continue;
        char number[32];
        int k = snprintf(number, sizeof number, " %zd ", code);
        if (k < 0 || w + k + n > len) {
            Py_DECREF(out);
            Py_RETURN_NONE;
        }
        memcpy(o + w, number, (size_t)k);
        w += k;
        memcpy(o + w, s + start, (size_t)n);
        w += n;
    }
    memset(o + w, ' ', (size_t)(len - w));
    return out;
}

static PyMethodDef methods[] = {
    {"differences", (PyCFunction)differences, METH_O, "A Differences array with the placeholder codes left out."},
    {"chars", (PyCFunction)(void (*)(void))chars, METH_FASTCALL, "A text page's visible characters."},
    {"objects", (PyCFunction)(void (*)(void))objects, METH_FASTCALL, "A page's or form's paths, images and forms."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pdfscan", "PDFium loops in C for xxgk.read.pdf (optional).", -1, methods,
};

PyMODINIT_FUNC
PyInit__pdfscan(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "VERSION", PDFSCAN_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
