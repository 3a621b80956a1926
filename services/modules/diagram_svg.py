"""A drawn diagram made safe to inline in a page: only SVG's drawing elements and attributes, no
script, no event handler, no style sheet, no link or reference outside the picture itself, and ids
prefixed so two diagrams of a page never share one. Pure."""
from __future__ import annotations

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK = "{http://www.w3.org/1999/xlink}href"
_DROPPED = {"script", "foreignObject", "style", "iframe", "image", "use", "animate", "set",
            "animateMotion", "animateTransform", "a", "feImage"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True,
                          huge_tree=False, load_dtd=False)


def safe_svg(raw: str, key: str) -> str | None:
    """The SVG `raw` cleaned for inlining, or None when it is not an SVG."""
    start = raw.find("<svg")
    if start < 0:
        return None
    try:
        root = etree.fromstring(raw[start:].encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError:
        return None
    if etree.QName(root).localname != "svg":
        return None
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).localname in _DROPPED and element.getparent() is not None:
            element.getparent().remove(element)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            local = etree.QName(name).localname if name.startswith("{") else name
            value = element.attrib[name].replace('url("#', "url(#").replace("url('#", "url(#")
            if "url(#" in value:
                value = value.replace('")', ")").replace("')", ")")
                element.attrib[name] = value
            if (local.lower().startswith("on") or local in ("style", "class") or name == XLINK or local == "href"
                    or "javascript:" in value.lower() or ("url(" in value and "url(#" not in value)):
                del element.attrib[name]
            elif local == "id":
                element.attrib[name] = f"g{key}-{value}"
            elif "url(#" in value:
                element.attrib[name] = value.replace("url(#", f"url(#g{key}-")
    root.attrib["role"] = "img"
    root.attrib["aria-label"] = "Diagram"
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="unicode")
