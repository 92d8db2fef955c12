/* Optional accelerator for the ingestion's per-file work outside the PDF reader (which has its own,
xxgk/read/_pdfscan.c): loops over a text report's tokens and contract object that Python can only
do value by value (line_tokens, further down, is the text reader's).

floats_differ(value): whether a float anywhere in `value` is one that orjson writes otherwise than
the json module (xxgk/store/jsontext.py). Why C: the Python walk (jsontext._floats_differ_py) looks
at the ~2,500 values of a text report's contract object in 0.19 ms, more than orjson takes to
encode it (0.08 ms), and every file pays it twice (the contract JSON, the tables digest).

The Python function is the reference: same condition on each float, same containers walked. A
subclass of dict, list, tuple or float makes this function answer None ("ask the Python walk",
which copies such containers before walking them and compares such a float by its own __eq__). tests/store/test_jsontext.py compares the
two. Without a C compiler the package installs without this module and jsontext uses the Python walk.
*/

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

/* The version of this module's interface; its callers use it only when it is the one they call. */
#define SPEEDUPS_VERSION 2

/* 1: a float orjson writes otherwise; 0: none; -1: a container subclass (undecided); -2: error. */
static int
walk(PyObject *o)
{
    if (PyFloat_CheckExact(o)) {
        double v = PyFloat_AS_DOUBLE(o);
        if (v == 0.0)
            return 0;
        if (isfinite(v) && fabs(v) >= 1e-4 && fabs(v) < 1e16)
            return 0;
        return 1;
    }
    /* A dict's values or a list's or tuple's items, walked by one loop. */
    int is_dict = PyDict_CheckExact(o);
    PyObject **items = NULL;
    Py_ssize_t n = 0;
    if (PyList_CheckExact(o)) {
        items = PySequence_Fast_ITEMS(o);
        n = PyList_GET_SIZE(o);
    }
    else if (PyTuple_CheckExact(o)) {
        items = PySequence_Fast_ITEMS(o);
        n = PyTuple_GET_SIZE(o);
    }
    else if (!is_dict) {
        if (PyDict_Check(o) || PyList_Check(o) || PyTuple_Check(o) || PyFloat_Check(o))
            return -1; /* a subclass: its own __eq__, __iter__… are the Python walk's to call */
        return 0;      /* str, int, bool, None, a date, a Decimal: no float of the json module's */
    }
    if (Py_EnterRecursiveCall(" in floats_differ"))
        return -2;
    int result = 0;
    Py_ssize_t pos = 0, i = 0;
    PyObject *key, *child;
    for (;;) {
        if (is_dict) {
            if (!PyDict_Next(o, &pos, &key, &child))
                break;
        }
        else if (i < n) {
            child = items[i++];
        }
        else {
            break;
        }
        int r = walk(child);
        if (r == 1 || r == -2) {
            result = r;
            break;
        }
        if (r == -1)
            result = -1; /* undecided, unless a later child decides */
    }
    Py_LeaveRecursiveCall();
    return result;
}

static PyObject *
floats_differ(PyObject *Py_UNUSED(self), PyObject *value)
{
    int r = walk(value);
    if (r == -2)
        return NULL;
    if (r == -1)
        Py_RETURN_NONE;
    return PyBool_FromLong(r);
}

/* line_tokens(cells, no, col0, token_type, glued_type): the tokens of one line of text from its
   cached cells (xxgk/read/text.py, _line_cells: (column, text, blank, norm, is_value, glued) each),
   as text._split_line_py makes them: a `glued_type` token for a glued number (is_value True, not
   blank), a `token_type` token otherwise, each with its own {"line": no, "col": col0 + column}.
   Why C: ~300 tokens a text report, each built by Python in ~1 µs (0.3 ms a file). */
static PyObject *s_raw, *s_where, *s_blank, *s_norm, *s_is_value, *s_line, *s_col;

static PyObject *
make_token(PyTypeObject *type, PyObject *raw, PyObject *where, PyObject *blank, PyObject *norm, PyObject *is_value)
{
    PyObject *t = type->tp_alloc(type, 0);
    if (t == NULL)
        return NULL;
    if (PyObject_SetAttr(t, s_raw, raw) < 0 || PyObject_SetAttr(t, s_where, where) < 0
        || PyObject_SetAttr(t, s_blank, blank) < 0 || PyObject_SetAttr(t, s_norm, norm) < 0
        || PyObject_SetAttr(t, s_is_value, is_value) < 0) {
        Py_DECREF(t);
        return NULL;
    }
    return t;
}

/* Append the tokens of one line (its cells, number, first column) to `out`; -1 on error. */
static int
append_tokens(PyObject *out, PyObject *cells, PyObject *no, PyObject *col0, PyTypeObject *token_type,
              PyTypeObject *glued_type)
{
    if (!PyTuple_Check(cells)) {
        PyErr_SetString(PyExc_TypeError, "line_tokens: a tuple of cells");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(cells);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *cell = PyTuple_GET_ITEM(cells, i);
        if (!PyTuple_Check(cell) || PyTuple_GET_SIZE(cell) != 6) {
            PyErr_SetString(PyExc_TypeError, "line_tokens: a cell is a 6-tuple");
            return -1;
        }
        PyObject *col = PyNumber_Add(col0, PyTuple_GET_ITEM(cell, 0));
        if (col == NULL)
            return -1;
        PyObject *where = PyDict_New();
        if (where == NULL || PyDict_SetItem(where, s_line, no) < 0 || PyDict_SetItem(where, s_col, col) < 0) {
            Py_XDECREF(where);
            Py_DECREF(col);
            return -1;
        }
        Py_DECREF(col);
        int glued = PyObject_IsTrue(PyTuple_GET_ITEM(cell, 5));
        PyObject *t;
        if (glued < 0)
            t = NULL;
        else if (glued)
            t = make_token(glued_type, PyTuple_GET_ITEM(cell, 1), where, Py_False, PyTuple_GET_ITEM(cell, 3), Py_True);
        else
            t = make_token(token_type, PyTuple_GET_ITEM(cell, 1), where, PyTuple_GET_ITEM(cell, 2),
                           PyTuple_GET_ITEM(cell, 3), PyTuple_GET_ITEM(cell, 4));
        Py_DECREF(where);
        if (t == NULL)
            return -1;
        int r = PyList_Append(out, t);
        Py_DECREF(t);
        if (r < 0)
            return -1;
    }
    return 0;
}

static PyObject *
line_tokens(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "line_tokens(cells, no, col0, token_type, glued_type)");
        return NULL;
    }
    if (!PyTuple_Check(args[0]) || !PyType_Check(args[3]) || !PyType_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError, "line_tokens: a tuple of cells and two token types");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    if (append_tokens(out, args[0], args[1], args[2], (PyTypeObject *)args[3], (PyTypeObject *)args[4]) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* lines_tokens(lines, line_cells, token_type, glued_type): the tokens of every line in turn, each
   line's as line_tokens(line_cells(line.raw), line.no, line.col0, …) makes them: one call for a
   table region (~140 lines a report) instead of a Python call per line (text._tokens). */
static PyObject *s_no, *s_col0;

static PyObject *
lines_tokens(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyType_Check(args[2]) || !PyType_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "lines_tokens(lines, line_cells, token_type, glued_type)");
        return NULL;
    }
    PyObject *it = PyObject_GetIter(args[0]);
    if (it == NULL)
        return NULL;
    PyObject *out = PyList_New(0), *line;
    if (out == NULL) {
        Py_DECREF(it);
        return NULL;
    }
    while ((line = PyIter_Next(it)) != NULL) {
        PyObject *no = PyObject_GetAttr(line, s_no), *col0 = NULL, *raw = NULL, *cells = NULL;
        int r = -1;
        if (no != NULL && (col0 = PyObject_GetAttr(line, s_col0)) != NULL
            && (raw = PyObject_GetAttr(line, s_raw)) != NULL
            && (cells = PyObject_CallOneArg(args[1], raw)) != NULL)
            r = append_tokens(out, cells, no, col0, (PyTypeObject *)args[2], (PyTypeObject *)args[3]);
        Py_XDECREF(no);
        Py_XDECREF(col0);
        Py_XDECREF(raw);
        Py_XDECREF(cells);
        Py_DECREF(line);
        if (r < 0) {
            Py_DECREF(it);
            Py_DECREF(out);
            return NULL;
        }
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* text_lines(text, line_type, normalize, bookmark, drop, md_norm): the lines of a text report as
   xxgk/read/text.py's _lines_py makes them (before _unfold): for each line of text.splitlines()
   numbered from 1, raw = bookmark(raw) when it holds "[bookmark:", norm = normalize(raw); dropped
   when drop(norm) is true for a norm of at most 80 characters whose first is one of "-—–－第|:" or a
   decimal digit (a page number, a markdown rule); norm = md_norm(raw) when it starts with "#" or
   holds "**" or "__"; then line_type(no, raw, norm).

   Why C: ~200 lines a report, each normalised (NFKC, whitespace removed) by a Python call and
   built in a Python loop, ~2.5 µs a line (0.5 ms a file). Here a line whose characters are all
   ones NFKC leaves alone (printable ASCII, CJK ideographs, the common CJK and general punctuation:
   `nfkc_stable`), full-width ASCII (mapped as NFKC maps it) or whitespace (removed) is normalised
   in C; any other line goes to `normalize`, the reference. None of those characters is a combining
   mark or the second of a composition pair, so NFKC of such a line is the line with the full-width
   characters mapped, and whitespace (which NFKC maps to whitespace) is removed before or after
   alike. tests/read/test_text_lines.py holds the two equal. */
static int
nfkc_stable(Py_UCS4 c)
{
    if (c >= 0x4E00 && c <= 0x9FFF)
        return 1; /* CJK Unified Ideographs: no decomposition */
    if (c >= 0x3400 && c <= 0x4DBF)
        return 1; /* Extension A */
    switch (c) {
    case 0x3001: case 0x3002: /* 、。 */
    case 0x3008: case 0x3009: case 0x300A: case 0x300B: case 0x300C: case 0x300D: case 0x300E:
    case 0x300F: case 0x3010: case 0x3011: /* 〈〉《》「」『』【】 */
    case 0x3014: case 0x3015: case 0x3016: case 0x3017: case 0x3018: case 0x3019: case 0x301A:
    case 0x301B: /* 〔〕〖〗〘〙〚〛 */
    case 0x2013: case 0x2014: case 0x2018: case 0x2019: case 0x201C: case 0x201D: case 0x2030:
    case 0x00B0: case 0x00B7: case 0x00D7: case 0x00F7:
        return 1;
    }
    return 0;
}

/* NFKC of `s` with whitespace removed when every character allows it here (new reference), else
   NULL without an exception set: the caller asks the Python normalisation. */
static PyObject *
fast_norm(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), m = 0;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_UCS4 maxc = 0;
    int changed = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c > 0x20 && c < 0x7F) {
            m++;
            if (c > maxc)
                maxc = c;
        }
        else if (Py_UNICODE_ISSPACE(c)) {
            changed = 1;
        }
        else if (c >= 0xFF01 && c <= 0xFF5E) {
            changed = 1;
            m++;
            if (c - 0xFEE0 > maxc)
                maxc = c - 0xFEE0;
        }
        else if (nfkc_stable(c)) {
            m++;
            if (c > maxc)
                maxc = c;
        }
        else {
            return NULL;
        }
    }
    if (!changed) {
        Py_INCREF(s);
        return s;
    }
    PyObject *out = PyUnicode_New(m, maxc);
    if (out == NULL)
        return NULL;
    int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0xFF01 && c <= 0xFF5E)
            c -= 0xFEE0;
        else if (Py_UNICODE_ISSPACE(c))
            continue;
        PyUnicode_WRITE(okind, odata, j, c);
        j++;
    }
    return out;
}

static PyObject *s_bookmark, *s_stars, *s_unders;

/* 1 when `norm` may be a page number or a markdown rule (text._SKIP_FIRST, str.isdecimal). Of the
   two patterns' forms only `\d{1,4}/\d{1,4}` starts with a digit: a line starting with one and
   without a "/" (a number of a one-cell-per-line table) is neither. */
static PyObject *s_slash;

static int
maybe_dropped(PyObject *norm)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(norm);
    if (n == 0 || n > 80)
        return 0;
    Py_UCS4 c = PyUnicode_READ_CHAR(norm, 0);
    if (Py_UNICODE_ISDECIMAL(c))
        return PyUnicode_Find(norm, s_slash, 0, PY_SSIZE_T_MAX, 1) >= 0;
    return c == '-' || c == 0x2014 || c == 0x2013 || c == 0xFF0D || c == 0x7B2C || c == '|' || c == ':';
}

static PyObject *
text_lines(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "text_lines(text, line_type, normalize, bookmark, drop, md_norm)");
        return NULL;
    }
    PyObject *line_type = args[1], *normalize = args[2], *bookmark = args[3], *drop = args[4], *md_norm = args[5];
    PyObject *raws = PyUnicode_Splitlines(args[0], 0);
    if (raws == NULL)
        return NULL;
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        Py_DECREF(raws);
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(raws);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *raw = PyList_GET_ITEM(raws, i), *norm = NULL, *no = NULL, *line = NULL;
        Py_INCREF(raw);
        int has = PyUnicode_Find(raw, s_bookmark, 0, PY_SSIZE_T_MAX, 1) >= 0;
        if (has) {
            Py_SETREF(raw, PyObject_CallOneArg(bookmark, raw));
            if (raw == NULL)
                goto fail;
        }
        norm = PyUnicode_Check(raw) ? fast_norm(raw) : NULL;
        if (norm == NULL) {
            if (PyErr_Occurred())
                goto fail;
            norm = PyObject_CallOneArg(normalize, raw);
            if (norm == NULL)
                goto fail;
            if (!PyUnicode_Check(norm)) {
                PyErr_SetString(PyExc_TypeError, "text_lines: normalize must return str");
                goto fail;
            }
        }
        if (maybe_dropped(norm)) {
            PyObject *r = PyObject_CallOneArg(drop, norm);
            if (r == NULL)
                goto fail;
            int d = PyObject_IsTrue(r);
            Py_DECREF(r);
            if (d < 0)
                goto fail;
            if (d) {
                Py_DECREF(raw);
                Py_DECREF(norm);
                continue;
            }
        }
        if ((PyUnicode_GET_LENGTH(norm) && PyUnicode_READ_CHAR(norm, 0) == '#')
            || PyUnicode_Find(norm, s_stars, 0, PY_SSIZE_T_MAX, 1) >= 0
            || PyUnicode_Find(norm, s_unders, 0, PY_SSIZE_T_MAX, 1) >= 0) {
            Py_SETREF(norm, PyObject_CallOneArg(md_norm, raw));
            if (norm == NULL)
                goto fail;
        }
        no = PyLong_FromSsize_t(i + 1);
        if (no == NULL)
            goto fail;
        PyObject *largs[3] = {no, raw, norm};
        line = PyObject_Vectorcall(line_type, largs, 3, NULL);
        Py_DECREF(no);
        Py_DECREF(raw);
        Py_DECREF(norm);
        if (line == NULL || PyList_Append(out, line) < 0) {
            Py_XDECREF(line);
            Py_DECREF(raws);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(line);
        continue;
    fail:
        Py_XDECREF(raw);
        Py_XDECREF(norm);
        Py_DECREF(raws);
        Py_DECREF(out);
        return NULL;
    }
    Py_DECREF(raws);
    return out;
}

/* text_norm(s): fast_norm's answer, or None when the line needs the Python normalisation (tests). */
static PyObject *
text_norm(PyObject *Py_UNUSED(self), PyObject *s)
{
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "text_norm(str)");
        return NULL;
    }
    PyObject *r = fast_norm(s);
    if (r == NULL && !PyErr_Occurred())
        Py_RETURN_NONE;
    return r;
}

static PyMethodDef methods[] = {
    {"lines_tokens", (PyCFunction)(void (*)(void))lines_tokens, METH_FASTCALL,
     "The tokens of every line of a table region (xxgk.read.text._tokens without optional blanks)."},
    {"text_lines", (PyCFunction)(void (*)(void))text_lines, METH_FASTCALL,
     "The lines of a text report, as xxgk.read.text._lines_py makes them before unfolding."},
    {"text_norm", text_norm, METH_O, "normalize(s) where C can tell it, else None."},
    {"line_tokens", (PyCFunction)(void (*)(void))line_tokens, METH_FASTCALL,
     "The tokens of one line of text from its cached cells (xxgk.read.text._split_line_py's)."},
    {"floats_differ", floats_differ, METH_O,
     "True/False: a float in the value that orjson writes otherwise than the json module; None when a "
     "container subclass leaves it to the Python walk."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    if (!(s_raw = PyUnicode_InternFromString("raw")) || !(s_where = PyUnicode_InternFromString("where"))
        || !(s_blank = PyUnicode_InternFromString("blank")) || !(s_norm = PyUnicode_InternFromString("norm"))
        || !(s_is_value = PyUnicode_InternFromString("is_value")) || !(s_line = PyUnicode_InternFromString("line"))
        || !(s_col = PyUnicode_InternFromString("col"))
        || !(s_bookmark = PyUnicode_InternFromString("[bookmark:")) || !(s_stars = PyUnicode_InternFromString("**"))
        || !(s_unders = PyUnicode_InternFromString("__")) || !(s_no = PyUnicode_InternFromString("no"))
        || !(s_col0 = PyUnicode_InternFromString("col0")) || !(s_slash = PyUnicode_InternFromString("/")))
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "VERSION", SPEEDUPS_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
