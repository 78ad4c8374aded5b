#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Captures the generic netlink controller's answers used as fixtures under
src/test/resources/fixtures/netlink/ (see the .md next to each .bin).

Run from the repository root: python3 bench/capture-netlink.py
No privilege needed. Uses only a raw AF_NETLINK socket, none of dropscope's code, so the
fixtures are independent of the decoders they test. Each .bin is the received datagrams
concatenated, up to and including the NLMSG_ERROR (ACK or error) that ends the exchange.
"""
import socket
import struct

NETLINK_GENERIC, SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 16, 270, 10, 11
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME = 16, 3, 2
NLM_F_REQUEST, NLM_F_ACK, NLMSG_ERROR = 1, 4, 2
OUT = 'src/test/resources/fixtures/netlink/'

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
s.bind((0, 0))
s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)


def attr(nla_type, payload):
    n = 4 + len(payload)
    return struct.pack('<HH', n, nla_type) + payload + b'\0' * (-n % 4)


def getfamily(seq, attrs):
    body = struct.pack('<BBH', CTRL_CMD_GETFAMILY, 1, 0) + attrs
    return struct.pack('<IHHII', 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body


def exchange(request, name):
    s.send(request)
    with open(OUT + name, 'wb') as f:
        while True:
            datagram = s.recv(65536)
            f.write(datagram)
            if struct.unpack_from('<H', datagram, 4)[0] == NLMSG_ERROR:
                return


exchange(getfamily(1, attr(CTRL_ATTR_FAMILY_NAME, b'nlctrl\0')), 'nlctrl-getfamily-6.18.bin')
exchange(getfamily(2, attr(CTRL_ATTR_FAMILY_NAME, b'NET_DM\0')), 'net_dm-enoent-6.18.bin')
# The name without its NUL: CTRL_ATTR_FAMILY_NAME is NLA_NUL_STRING, so policy validation fails.
exchange(getfamily(3, attr(CTRL_ATTR_FAMILY_NAME, b'NET_DM')), 'nlctrl-einval-extack-6.18.bin')
