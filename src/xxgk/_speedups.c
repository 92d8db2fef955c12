/* Optional accelerator for the ingestion's per-file work outside the PDF reader (which has its own,
xxgk/read/_pdfscan.c): walks over a report's contract object that Python can only do value by value.

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

/* The version of this module's interface; jsontext uses it only when it is the one it calls. */
#define SPEEDUPS_VERSION 1

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
floats_differ(PyObject *self, PyObject *value)
{
    int r = walk(value);
    if (r == -2)
        return NULL;
    if (r == -1)
        Py_RETURN_NONE;
    return PyBool_FromLong(r);
}

static PyMethodDef methods[] = {
    {"floats_differ", floats_differ, METH_O,
     "True/False: a float in the value that orjson writes otherwise than the json module; None when a "
     "container subclass leaves it to the Python walk."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "VERSION", SPEEDUPS_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
