"""The egress policy of repo-clone (deploy/k8s/network-policy.yaml), read as Kubernetes reads it:
it selects the repo-clone pods, and lets them reach DNS, NATS and public addresses, never the
private ranges, loopback or the cloud metadata address."""
from __future__ import annotations

import ipaddress

import pytest

from tests.deploy.deployment import k8s_documents, workloads


def egress_policy() -> dict:
    (policy,) = [d for _, d in k8s_documents() if d["kind"] == "NetworkPolicy"
                 and "Egress" in d["spec"].get("policyTypes", [])
                 and d["spec"]["podSelector"]["matchLabels"].get("app.kubernetes.io/name") == "repo-clone"]
    return policy


def admitted_by_address_rules(address: str, port: int) -> bool:
    """Whether a rule with ipBlocks lets `address` out (rules without `to` are the DNS rule)."""
    ip = ipaddress.ip_address(address)
    for rule in egress_policy()["spec"]["egress"]:
        ports = {p["port"] for p in rule.get("ports", [])}
        if ports and port not in ports:
            continue
        for peer in rule.get("to", []):
            block = peer.get("ipBlock")
            if not block:
                continue
            network = ipaddress.ip_network(block["cidr"])
            if ip.version == network.version and ip in network and not any(
                    ip in ipaddress.ip_network(e) for e in block.get("except", [])):
                return True
    return False


def test_it_selects_the_repo_clone_pods():
    (deployment,) = [w for w in workloads() if w["metadata"]["name"] == "repo-clone"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert egress_policy()["spec"]["podSelector"]["matchLabels"].items() <= labels.items()


@pytest.mark.parametrize("address", ["10.0.0.10", "172.16.5.4", "192.168.1.1", "169.254.169.254", "127.0.0.1",
                                     "100.64.0.1", "::1", "fd00::1", "fe80::1"])
def test_private_loopback_and_metadata_addresses_are_out_of_reach(address):
    for port in (443, 22, 80, 5432, 4222):
        assert not admitted_by_address_rules(address, port), f"{address}:{port}"


@pytest.mark.parametrize("address", ["140.82.112.3", "2606:50c0:8000::154"])
def test_public_addresses_are_reachable(address):
    assert admitted_by_address_rules(address, 443) and admitted_by_address_rules(address, 22)


def test_dns_and_nats_stay_reachable():
    rules = egress_policy()["spec"]["egress"]
    dns = [r for r in rules if "to" not in r]
    assert {(p["port"], p["protocol"]) for r in dns for p in r["ports"]} == {(53, "UDP"), (53, "TCP")}
    nats = [r for r in rules if any(peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name")
                                    == "nats" for peer in r.get("to", []))]
    assert nats and {p["port"] for r in nats for p in r["ports"]} == {4222}
