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
    PyObject **items;
    Py_ssize_t n;
    if (PyDict_CheckExact(o)) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        int undecided = 0;
        if (Py_EnterRecursiveCall(" in floats_differ"))
            return -2;
        while (PyDict_Next(o, &pos, &key, &value)) {
            int r = walk(value);
            if (r == 1 || r == -2) {
                Py_LeaveRecursiveCall();
                return r;
            }
            if (r == -1)
                undecided = 1;
        }
        Py_LeaveRecursiveCall();
        return undecided ? -1 : 0;
    }
    if (PyList_CheckExact(o)) {
        items = PySequence_Fast_ITEMS(o);
        n = PyList_GET_SIZE(o);
    }
    else if (PyTuple_CheckExact(o)) {
        items = PySequence_Fast_ITEMS(o);
        n = PyTuple_GET_SIZE(o);
    }
    else if (PyDict_Check(o) || PyList_Check(o) || PyTuple_Check(o) || PyFloat_Check(o)) {
        return -1; /* a subclass: its own __eq__, __iter__… are the Python walk's to call */
    }
    else {
        return 0; /* str, int, bool, None, a date, a Decimal: no float of the json module's */
    }
    if (Py_EnterRecursiveCall(" in floats_differ"))
        return -2;
    int undecided = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int r = walk(items[i]);
        if (r == 1 || r == -2) {
            Py_LeaveRecursiveCall();
            return r;
        }
        if (r == -1)
            undecided = 1;
    }
    Py_LeaveRecursiveCall();
    return undecided ? -1 : 0;
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

static PyObject *
line_tokens(PyObject *Py_UNUSED(self), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "line_tokens(cells, no, col0, token_type, glued_type)");
        return NULL;
    }
    PyObject *cells = args[0], *no = args[1], *col0 = args[2];
    if (!PyTuple_Check(cells) || !PyType_Check(args[3]) || !PyType_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError, "line_tokens: a tuple of cells and two token types");
        return NULL;
    }
    PyTypeObject *token_type = (PyTypeObject *)args[3], *glued_type = (PyTypeObject *)args[4];
    Py_ssize_t n = PyTuple_GET_SIZE(cells);
    PyObject *out = PyList_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *cell = PyTuple_GET_ITEM(cells, i);
        if (!PyTuple_Check(cell) || PyTuple_GET_SIZE(cell) != 6) {
            PyErr_SetString(PyExc_TypeError, "line_tokens: a cell is a 6-tuple");
            Py_DECREF(out);
            return NULL;
        }
        PyObject *col = PyNumber_Add(col0, PyTuple_GET_ITEM(cell, 0));
        if (col == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyObject *where = PyDict_New();
        if (where == NULL || PyDict_SetItem(where, s_line, no) < 0 || PyDict_SetItem(where, s_col, col) < 0) {
            Py_XDECREF(where);
            Py_DECREF(col);
            Py_DECREF(out);
            return NULL;
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
        if (t == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, t);
    }
    return out;
}

static PyMethodDef methods[] = {
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
        || !(s_col = PyUnicode_InternFromString("col")))
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "VERSION", SPEEDUPS_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
