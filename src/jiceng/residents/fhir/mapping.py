"""Patient ⇄ the resident record (个人基本信息表): the mapping both ways."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from jiceng.core.fhir import systems
from jiceng.core.fhir.outcome import expect_dict, expect_list, expect_str
from jiceng.core.fhir.resources import meta
from jiceng.residents import codes
from jiceng.residents.models import Resident
from jiceng.residents.pinyin import split_surname

GENDER = {"1": "male", "2": "female", "0": "unknown", "9": "unknown"}
SEX = {"male": "1", "female": "2", "unknown": "0", "other": "9"}
MARITAL = {"10": "S", "20": "M", "30": "W", "40": "D", "90": "UNK"}
MARITAL_BACK = {v: k for k, v in MARITAL.items()}
# Jiceng extensions on Patient: element name → resident field and its code list.
CODED_EXTENSIONS = {
    "ethnicity": ("ethnicity", codes.ETHNICITY),
    "residence-type": ("residence_type", codes.RESIDENCE_TYPE),
    "education": ("education", codes.EDUCATION),
    "occupation": ("occupation", codes.OCCUPATION),
    "blood-abo": ("blood_abo", codes.BLOOD_ABO),
    "blood-rh": ("blood_rh", codes.BLOOD_RH),
}
FIELD_PATHS = {
    "id_number": "Patient.identifier",
    "name": "Patient.name",
    "sex": "Patient.gender",
    "birth_date": "Patient.birthDate",
    "phone": "Patient.telecom",
    "village_code": f"Patient.address.extension('{systems.extension('division-code')}')",
    "address": "Patient.address",
    "marital_status": "Patient.maritalStatus",
    "no_id_reason": "Patient.identifier",
    "contact_phone": "Patient.contact.telecom",
    "contact_name": "Patient.contact.name",
}


def _ext(name: str, code: str | None, codelist: Any) -> dict[str, Any] | None:
    if not code:
        return None
    return {
        "url": systems.extension(name),
        "valueCoding": {"system": systems.code_system(name), "code": code, "display": codelist.label(code)},
    }


def to_fhir(r: Resident, version: int | None = None, hlc: int | None = None) -> dict[str, Any]:
    identifiers = (
        [
            {
                "use": "official",
                "type": {"coding": [{"system": systems.V2_IDENTIFIER_TYPE, "code": "NI"}]},
                "system": systems.RESIDENT_ID_NUMBER,
                "value": r.id_number,
            }
        ]
        if r.id_number
        else []
    )
    identifiers.append(
        {
            "use": "usual",
            "type": {"coding": [{"system": systems.V2_IDENTIFIER_TYPE, "code": "MR"}]},
            "system": systems.HEALTH_RECORD_NUMBER,
            "value": r.record_number,
        }
    )
    family, given = split_surname(r.name)
    address = {"use": "home", "text": r.address, "extension": [{"url": systems.extension("division-code"), "valueCode": r.village_code}]}
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(r.id),
        "meta": meta(version or r.version, hlc or r.updated_at),
        "identifier": identifiers,
        "active": r.status == "active",
        "name": [{"use": "official", "text": r.name, "family": family, "given": [given] if given else []}],
        "gender": GENDER.get(r.sex, "unknown"),
        "birthDate": r.birth_date.isoformat(),
        "address": [address],
    }
    if r.phone:
        resource["telecom"] = [{"system": "phone", "value": r.phone, "use": "mobile" if len(r.phone) == 11 else "home"}]
    if r.status == "deceased":
        resource["deceasedDateTime" if r.status_date else "deceasedBoolean"] = r.status_date.isoformat() if r.status_date else True
    if r.marital_status in MARITAL:
        resource["maritalStatus"] = {
            "coding": [{"system": systems.V3_MARITAL, "code": MARITAL[r.marital_status]}],
            "text": codes.MARITAL_STATUS.label(r.marital_status),
        }
    if r.contact_name or r.contact_phone:
        resource["contact"] = [
            {"name": {"text": r.contact_name}, **({"telecom": [{"system": "phone", "value": r.contact_phone}]} if r.contact_phone else {})}
        ]
    if r.record_institution_id:
        resource["managingOrganization"] = {"reference": f"Organization/{r.record_institution_id}"}
    extensions = [_ext(name, getattr(r, field), codelist) for name, (field, codelist) in CODED_EXTENSIONS.items()]
    if r.household_id:
        extensions.append(
            {
                "url": systems.extension("household"),
                "extension": [
                    {"url": "household", "valueReference": {"reference": f"Group/{r.household_id}"}},
                    {"url": "relationship", "valueCode": r.relation_to_head or ""},
                ],
            }
        )
    resource["extension"] = [e for e in extensions if e]
    return resource


def _first(items: Any, path: str, key: str | None = None, value: str | None = None) -> dict[str, Any] | None:
    for index, item in enumerate(expect_list(items, path)):
        item = expect_dict(item, f"{path}[{index}]")
        if key is None or item.get(key) == value:
            return item
    return None


def from_fhir(resource: dict[str, Any]) -> dict[str, Any]:
    """A Patient as the fields the residents service validates (it names each bad one)."""
    data: dict[str, Any] = {}
    id_identifier = _first(resource.get("identifier"), "Patient.identifier", "system", systems.RESIDENT_ID_NUMBER)
    data["id_number"] = expect_str(id_identifier.get("value"), "Patient.identifier.value") if id_identifier else ""
    if not data["id_number"]:
        data["no_id_reason"] = "not_issued"
    name = _first(resource.get("name"), "Patient.name")
    if name:
        given = expect_list(name.get("given"), "Patient.name.given")
        data["name"] = expect_str(name.get("text"), "Patient.name.text") or expect_str(name.get("family"), "Patient.name.family") + "".join(
            str(g) for g in given
        )
    else:
        data["name"] = ""
    if "gender" in resource:
        gender = expect_str(resource["gender"], "Patient.gender")
        data["sex"] = SEX.get(gender, gender)
    if "birthDate" in resource:
        data["birth_date"] = expect_str(resource["birthDate"], "Patient.birthDate")
    phone = _first(resource.get("telecom"), "Patient.telecom", "system", "phone")
    data["phone"] = expect_str(phone.get("value"), "Patient.telecom.value") if phone else ""
    address = _first(resource.get("address"), "Patient.address")
    if address:
        division = _first(address.get("extension"), "Patient.address.extension", "url", systems.extension("division-code"))
        data["village_code"] = expect_str(division.get("valueCode"), "Patient.address.extension.valueCode") if division else ""
        lines = expect_list(address.get("line"), "Patient.address.line")
        data["address"] = expect_str(address.get("text"), "Patient.address.text") or " ".join(str(x) for x in lines)
    marital = _first(
        expect_dict(resource.get("maritalStatus"), "Patient.maritalStatus").get("coding"),
        "Patient.maritalStatus.coding",
        "system",
        systems.V3_MARITAL,
    )
    if marital:
        code = expect_str(marital.get("code"), "Patient.maritalStatus.coding.code")
        data["marital_status"] = MARITAL_BACK.get(code, code)
    contact = _first(resource.get("contact"), "Patient.contact") or {}
    data["contact_name"] = expect_str(expect_dict(contact.get("name"), "Patient.contact.name").get("text"), "Patient.contact.name.text")
    contact_phone = _first(contact.get("telecom"), "Patient.contact.telecom", "system", "phone")
    data["contact_phone"] = expect_str(contact_phone.get("value"), "Patient.contact.telecom.value") if contact_phone else ""
    for name_, (field, _codelist) in CODED_EXTENSIONS.items():
        ext = _first(resource.get("extension"), "Patient.extension", "url", systems.extension(name_))
        if ext:
            data[field] = expect_str(
                expect_dict(ext.get("valueCoding"), "Patient.extension.valueCoding").get("code"), "Patient.extension.valueCoding.code"
            )
    return data


MAPPED_ELEMENTS = frozenset(
    {
        "identifier",
        "active",
        "name",
        "telecom",
        "gender",
        "birthDate",
        "deceasedBoolean",
        "deceasedDateTime",
        "address",
        "maritalStatus",
        "contact",
        "managingOrganization",
        "extension",
    }
)


def kept_elements(resource: dict[str, Any]) -> dict[str, Any]:
    """Unmapped elements, plus extensions that are not Jiceng's, to keep verbatim."""
    keep = {k: v for k, v in resource.items() if k not in MAPPED_ELEMENTS and k not in ("resourceType", "id", "meta", "text")}
    ours = {systems.extension(n) for n in [*CODED_EXTENSIONS, "household"]}
    foreign = [e for e in resource.get("extension") or [] if isinstance(e, dict) and e.get("url") not in ours]
    if foreign:
        keep["extension"] = foreign
    return keep


def snapshot(data: dict[str, Any]) -> Resident:
    """A transient Resident from a stored earlier version (for vread/history)."""
    values = {k: v for k, v in data.items() if hasattr(Resident, k)}
    for key in ("id", "household_id", "record_institution_id", "responsible_doctor_id"):
        if values.get(key):
            values[key] = uuid.UUID(values[key])
    for key in ("birth_date", "status_date", "record_date"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    values.pop("deleted_at", None)
    return Resident(**values)
