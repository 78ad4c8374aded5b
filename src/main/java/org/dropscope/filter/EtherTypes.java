// SPDX-License-Identifier: Apache-2.0
package org.dropscope.filter;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Protocol names a filter accepts for {@code protocol}: the Ethertypes of
 * include/uapi/linux/if_ether.h that drops are usually about, by their uapi name with or without
 * the {@code ETH_P_} prefix, in any case ({@code ETH_P_IPV6}, {@code ipv6}), plus {@code ipv4}
 * for {@code ETH_P_IP}. Any other protocol is given as a number.
 */
final class EtherTypes {
    private static final String PREFIX = "ETH_P_";
    private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("IP", 0x0800);
        BY_NAME.put("ARP", 0x0806);
        BY_NAME.put("8021Q", 0x8100);
        BY_NAME.put("IPV6", 0x86DD);
        BY_NAME.put("MPLS_UC", 0x8847);
        BY_NAME.put("PPP_SES", 0x8864);
        BY_NAME.put("8021AD", 0x88A8);
        BY_NAME.put("LLDP", 0x88CC);
    }

    private EtherTypes() {
    }

    /** The Ethertype of a name, or -1. */
    static int valueOf(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith(PREFIX)) {
            n = n.substring(PREFIX.length());
        }
        if (n.equals("IPV4")) {
            n = "IP";
        }
        return BY_NAME.getOrDefault(n, -1);
    }

    /** The names, for messages. */
    static String names() {
        return "ipv4, " + String.join(", ", BY_NAME.keySet()).toLowerCase(Locale.ROOT);
    }
}
