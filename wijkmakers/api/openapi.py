"""The OpenAPI 3.1 description of the read-only API, served at /api/v1/openapi.json."""
from ..activities.models import ACTIVITY_KINDS
from ..auth.models import NEIGHBOURHOODS
from ..reporting.filters import (COUNTS, MEASURES, ORG_TYPE_CHOICES, PARTNER_CHOICES, PERSON_KINDS)
from .services import PUBLIC_KINDS

VERSION = "1.0.0"
MAX_LIMIT = 200
MAX_OFFSET = 2**31 - 1  # the largest offset every database accepts; a larger one is refused with 400
MONTH_PATTERN = "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"  # what activities.agenda.parse_month accepts


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _enum_param(name: str, values, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", "enum": list(values)}}


def document(base_url: str) -> dict:
    nullable_string = {"type": ["string", "null"]}
    nullable_datetime = {"type": ["string", "null"], "format": "date-time"}
    count_map = {"type": "object", "description": "Jaar (als tekst) -> aantal.",
                 "additionalProperties": {"type": "integer", "minimum": 0}}
    walk_year = {
        "type": "object",
        "required": ["year", "walks", "participations", "average", "minimum", "maximum", "unique_walkers"],
        "properties": {
            "year": {"type": ["integer", "null"], "description": "null: alle jaren samen"},
            "walks": {"type": "integer"}, "participations": {"type": "integer"},
            "average": {"type": ["number", "null"]}, "minimum": {"type": "integer"},
            "maximum": {"type": "integer"}, "unique_walkers": {"type": "integer"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wijkmakers API",
            "version": VERSION,
            "description": ("Alleen-lezen API van Wijkmakers, de wijkacademie van de gemeente Groningen. "
                            "De agenda is openbaar; de jaarcijfers vragen een persoonlijke API-sleutel "
                            "(Authorization: Bearer wm_...), die een coördinator in het portaal aanmaakt. "
                            "Tijden zijn ISO 8601 met de Nederlandse tijdzone."),
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/api/v1/agenda": {
                "get": {
                    "operationId": "agenda",
                    "summary": "Komende openbare activiteiten",
                    "description": "Dezelfde activiteiten als de agenda op de website: wat nog komt of "
                                   "nu bezig is, niet geannuleerd, zonder leergangbijeenkomsten. Geen "
                                   "persoonsgegevens (geen begeleiders, sprekers of aanmeldingen).",
                    "security": [],
                    "parameters": [
                        _enum_param("soort", PUBLIC_KINDS, "Alleen deze soort activiteit."),
                        _enum_param("wijk", NEIGHBOURHOODS, "Alleen activiteiten in deze wijk."),
                        {"name": "maand", "in": "query", "required": False,
                         "description": "Jaar-maand van 2000-01 tot en met 2100-12, zoals 2026-05.",
                         "schema": {"type": "string", "pattern": MONTH_PATTERN}},
                        {"name": "limit", "in": "query", "required": False, "description": "Aantal activiteiten.",
                         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50}},
                        {"name": "offset", "in": "query", "required": False,
                         "description": "Aantal activiteiten om over te slaan.",
                         "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}},
                    ],
                    "responses": {
                        "200": {"description": "De agenda",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Agenda"}}}},
                        "400": _error("Ongeldige parameter"),
                        "429": _error("Te veel verzoeken"),
                    },
                },
            },
            "/api/v1/figures": {
                "get": {
                    "operationId": "figures",
                    "summary": "Jaarcijfers over deelname",
                    "description": "De tabel van de gemeente (partnerorganisaties, deelnemers per soort "
                                   "activiteit en leergang, partnerbijeenkomsten) per kalenderjaar, met de "
                                   "definities, en de cijfers van de wijkwandelingen.",
                    "security": [{"bearerAuth": []}],
                    "parameters": [
                        _enum_param("meting", MEASURES, "aanwezig (standaard) of aangemeld."),
                        _enum_param("telling", COUNTS, "personen (standaard) of deelnames."),
                        _enum_param("wijk", NEIGHBOURHOODS, "Woonwijk van de deelnemer."),
                        _enum_param("organisatietype", ORG_TYPE_CHOICES, "Type organisatie bij deelname."),
                        _enum_param("soort", PERSON_KINDS, "Bewoner of professional bij deelname."),
                        _enum_param("partner", PARTNER_CHOICES, "Partnerorganisatie in dat jaar, andere, of geen."),
                    ],
                    "responses": {
                        "200": {"description": "De jaarcijfers",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Figures"}}}},
                        "400": _error("Ongeldige parameter"),
                        "401": _error("Geen, een onbekende, verlopen of ingetrokken sleutel"),
                        "429": _error("Te veel verzoeken"),
                    },
                },
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "Deze beschrijving",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI-document",
                                          "content": {"application/json": {"schema": {"type": "object"}}}}},
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "Persoonlijke API-sleutel (begint met wm_)."},
            },
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["status", "title", "message"],
                                             "properties": {"status": {"type": "integer"},
                                                            "title": {"type": "string"},
                                                            "message": {"type": "string"}}}},
                },
                "Activity": {
                    "type": "object",
                    "required": ["id", "kind", "kind_label", "title", "starts_at", "ends_at", "capacity",
                                 "seats_free", "full", "signup_open"],
                    "properties": {
                        "id": {"type": "integer"},
                        "kind": {"type": "string", "enum": list(PUBLIC_KINDS)},
                        "kind_label": {"type": "string", "examples": [ACTIVITY_KINDS[PUBLIC_KINDS[0]]]},
                        "title": {"type": "string"}, "theme": nullable_string,
                        "description": {"type": "string"},
                        "starts_at": {"type": "string", "format": "date-time"},
                        "ends_at": {"type": "string", "format": "date-time"},
                        "location": nullable_string, "meeting_point": nullable_string,
                        "neighbourhood": nullable_string,
                        "capacity": {"type": "integer"}, "seats_free": {"type": "integer"},
                        "full": {"type": "boolean"},
                        "signup_deadline": nullable_datetime, "signup_open": {"type": "boolean"},
                        "url": {"type": ["string", "null"], "format": "uri"},
                    },
                },
                "Agenda": {
                    "type": "object", "required": ["total", "limit", "offset", "items"],
                    "properties": {
                        "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Activity"}},
                    },
                },
                "FigureRow": {
                    "type": "object",
                    "required": ["key", "number", "label", "unit", "values", "total", "definition", "filters_apply"],
                    "properties": {
                        "key": {"type": "string"},
                        "number": {"type": ["integer", "null"],
                                   "description": "Rij 1-8 van de tabel van de gemeente; null: aanvullend."},
                        "label": {"type": "string"},
                        "unit": {"type": "string", "enum": ["organisaties", "bijeenkomsten", "personen", "deelnames"]},
                        "values": count_map,
                        "total": {"type": "integer"},
                        "definition": {"type": "string"},
                        "filters_apply": {"type": "boolean"},
                    },
                },
                "Figures": {
                    "type": "object",
                    "required": ["generated_at", "filters", "definitions", "years", "rows", "walks"],
                    "properties": {
                        "generated_at": {"type": "string", "format": "date-time"},
                        "filters": {"type": "object", "additionalProperties": {"type": "string"}},
                        "definitions": {"type": "array", "items": {
                            "type": "object", "required": ["term", "text"],
                            "properties": {"term": {"type": "string"}, "text": {"type": "string"}}}},
                        "years": {"type": "array", "items": {"type": "integer"}},
                        "rows": {"type": "array", "items": {"$ref": "#/components/schemas/FigureRow"}},
                        "walks": {"type": "object", "required": ["per_year", "total"],
                                  "properties": {"per_year": {"type": "array", "items": walk_year},
                                                 "total": walk_year}},
                    },
                },
            },
        },
    }
