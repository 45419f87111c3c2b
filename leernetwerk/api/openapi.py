"""The OpenAPI 3.1 description of /api/v1 (kept beside the views it describes)."""

from __future__ import annotations

from ..library.models import Audience, DeliverableKind
from ..rounds.models import ActionLine

_STRING = {"type": "string"}


def _array_param(name: str, description: str, enum: list[str] | None = None) -> dict:
    items = {"type": "string", **({"enum": enum} if enum else {})}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "array", "items": items}, "style": "form", "explode": True}


def document(base_url: str) -> dict:
    summary = {
        "type": "object",
        "required": ["slug", "titel", "samenvatting", "soort", "actielijn", "thema", "heel_friesland", "versie",
                     "gepubliceerd_op", "url", "api_url"],
        "properties": {
            "slug": _STRING, "titel": _STRING, "samenvatting": _STRING,
            "soort": {"type": "string", "enum": [k.value for k in DeliverableKind]},
            "actielijn": {"type": "string", "enum": [a.value for a in ActionLine]},
            "thema": _STRING, "heel_friesland": {"type": "boolean"}, "versie": {"type": "integer"},
            "gepubliceerd_op": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri"}, "api_url": {"type": "string", "format": "uri"},
        },
    }
    facet_value = {"type": "object", "required": ["waarde", "label", "aantal"],
                   "properties": {"waarde": _STRING, "label": _STRING, "aantal": {"type": "integer"}}}
    detail = {
        "type": "object",
        "required": ["slug", "titel", "samenvatting", "inhoud_markdown", "inhoud_html", "soort", "actielijn",
                     "doelgroepen", "heel_friesland", "gemeenten", "versie", "gepubliceerd_op", "herkomst",
                     "bijlagen", "versies", "url"],
        "properties": {
            "slug": _STRING, "titel": _STRING, "samenvatting": _STRING, "inhoud_markdown": _STRING,
            "inhoud_html": {"type": "string", "description": "Gesanitiseerde HTML."},
            "soort": {"type": "string", "enum": [k.value for k in DeliverableKind]},
            "actielijn": {"type": "string", "enum": [a.value for a in ActionLine]},
            "doelgroepen": {"type": "array", "items": {"type": "string", "enum": [a.value for a in Audience]}},
            "heel_friesland": {"type": "boolean"}, "gemeenten": {"type": "array", "items": _STRING},
            "versie": {"type": "integer"}, "gepubliceerd_op": {"type": "string", "format": "date-time"},
            "herkomst": {"type": "object", "properties": {"ronde": _STRING, "thematafel": _STRING, "thema": _STRING}},
            "bijlagen": {"type": "array", "items": {"type": "object", "properties": {
                "naam": _STRING, "type": _STRING, "bytes": {"type": "integer"},
                "url": {"type": "string", "format": "uri"}}}},
            "versies": {"type": "array", "items": {"type": "object", "properties": {
                "versie": {"type": "integer"}, "gepubliceerd_op": {"type": "string", "format": "date-time"},
                "url": {"type": "string", "format": "uri"}}}},
            "url": {"type": "string", "format": "uri"},
        },
    }
    error = {"type": "object", "properties": {"error": _STRING}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bibliotheek Fries Leernetwerk Kansrijke Start",
            "version": "1.0.0",
            "description": "Openbare, gepubliceerde eindproducten van het leernetwerk. Alleen lezen; "
                           "veldnamen zijn stabiel.",
        },
        "servers": [{"url": base_url + "/api/v1"}],
        "paths": {
            "/eindproducten": {"get": {
                "summary": "Zoek en filter eindproducten",
                "operationId": "listDeliverables",
                "parameters": [
                    {"name": "q", "in": "query", "required": False, "schema": _STRING,
                     "description": "Vrije tekst. Nederlandse woordvormen en accenten maken niet uit; een deel "
                                    "van een samengesteld woord vindt het hele woord (‘zorg’ vindt ‘kraamzorg’, "
                                    "lager gerangschikt dan het losse woord); synoniemen die het ROS bijhoudt "
                                    "(‘JGZ’ vindt ‘jeugdgezondheidszorg’) tellen mee. Vindt de zoekvraag weinig, "
                                    "dan staat in `suggestie` een verbeterde zoekvraag uit de woorden van de "
                                    "bibliotheek."},
                    _array_param("soort", "Soort eindproduct", [k.value for k in DeliverableKind]),
                    _array_param("actielijn", "Actielijn", [a.value for a in ActionLine]),
                    _array_param("doelgroep", "Doelgroep", [a.value for a in Audience]),
                    _array_param("gemeente", "Gemeente-id (vindt ook wat voor heel Friesland is), "
                                               "of 'friesland' voor heel Friesland"),
                    _array_param("ronde", "Ronde-id"),
                    _array_param("tafel", "Thematafel-id"),
                    {"name": "sorteer", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["relevantie", "datum"], "default": "relevantie"}},
                    {"name": "pagina", "in": "query", "required": False,
                     "description": "Een pagina voorbij de laatste geeft de laatste pagina "
                                    "(met `voorbij_laatste_pagina`: true).",
                     "schema": {"type": "integer", "minimum": 1, "default": 1}},
                    {"name": "per_pagina", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                ],
                "responses": {"200": {"description": "Een pagina resultaten met facetten.", "content": {
                    "application/json": {"schema": {
                        "type": "object", "required": ["items", "totaal", "pagina", "per_pagina", "paginas", "facetten",
                                                       "voorbij_laatste_pagina", "suggestie", "zoektermen"],
                        "properties": {
                            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Samenvatting"}},
                            "totaal": {"type": "integer"},
                            "pagina": {"type": "integer", "description": "De getoonde pagina."},
                            "per_pagina": {"type": "integer"}, "paginas": {"type": "integer"},
                            "voorbij_laatste_pagina": {
                                "type": "boolean",
                                "description": "De gevraagde pagina lag voorbij de laatste; dit is de laatste."},
                            "suggestie": {
                                "type": ["string", "null"],
                                "description": "‘Bedoelde je …?’: een zoekvraag met bekende woorden die meer vindt, "
                                               "of null."},
                            "zoektermen": {
                                "type": "array", "items": _STRING,
                                "description": "De gestemde termen waarop gezocht is, met synoniemen en delen "
                                               "van samengestelde woorden."},
                            "facetten": {"type": "object", "additionalProperties": {
                                "type": "array", "items": {"$ref": "#/components/schemas/Facetwaarde"}}},
                        }}}}}},
            }},
            "/eindproducten/{slug}": {"get": {
                "summary": "Eén eindproduct",
                "operationId": "getDeliverable",
                "parameters": [{"name": "slug", "in": "path", "required": True, "schema": _STRING}],
                "responses": {
                    "200": {"description": "Het eindproduct.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Eindproduct"}}}},
                    "404": {"description": "Bestaat niet of is niet openbaar.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Fout"}}}},
                },
            }},
        },
        "components": {"schemas": {"Samenvatting": summary, "Eindproduct": detail, "Facetwaarde": facet_value,
                                   "Fout": error}},
    }
