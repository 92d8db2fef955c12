"""register part of the office app: the proactive publication register and its review workflow
(items.py), the registers behind 表二 (documents.py), and their pure rules (lateness, workflow,
t2, imports)."""

from __future__ import annotations

from django.urls import path

from . import documents, items

urlpatterns: list = [
    path("office/items/", items.item_list, name="office_items"),
    path("office/items/new/", items.item_create, name="office_item_create"),
    path("office/items/<int:pk>/", items.item_detail, name="office_item"),
    path("office/items/<int:pk>/edit/", items.item_edit, name="office_item_edit"),
    path("office/items/<int:pk>/transition/", items.item_transition, name="office_item_transition"),
    path("office/documents/", documents.document_list, name="office_documents"),
    path("office/documents/new/", documents.document_create, name="office_document_create"),
    path("office/documents/<int:pk>/edit/", documents.document_edit, name="office_document_edit"),
    path("office/documents/<int:pk>/repeal/", documents.document_repeal, name="office_document_repeal"),
    path("office/t2/", documents.t2_summary, name="office_t2"),
]

for _name in ("decisions", "fees"):
    urlpatterns += [
        path(f"office/{_name}/", documents.yearly_list, {"register": _name}, name=f"office_{_name}"),
        path(f"office/{_name}/import/", documents.yearly_import, {"register": _name}, name=f"office_{_name}_import"),
        path(f"office/{_name}/<int:pk>/edit/", documents.yearly_edit, {"register": _name}, name=f"office_{_name}_edit"),
        path(f"office/{_name}/<int:pk>/delete/", documents.yearly_delete, {"register": _name},
             name=f"office_{_name}_delete"),
    ]
