package dev.plaidknot.cardswitch;

import dev.plaidknot.config.Misconfiguration;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The addresses Knot's webhooks may come from, as CIDR blocks (IPv4 or IPv6). Knot's signature
 * covers only the event and the session, so the source address is a second check on who sent
 * the rest of the body. No blocks: every address (a local run, or a proxy in front that checks).
 */
public final class WebhookSources {

    /** Literal addresses only: a name here would be a DNS lookup on every request. */
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private record Block(BigInteger network, int prefix, int bits) {
        boolean contains(BigInteger address, int addressBits) {
            if (addressBits != bits) {
                return false;
            }
            int shift = bits - prefix;
            return address.shiftRight(shift).equals(network.shiftRight(shift));
        }
    }

    private final List<Block> blocks;

    private WebhookSources(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** From a comma-separated list of CIDR blocks; a blank list allows every address. */
    public static WebhookSources parse(String cidrs) {
        if (cidrs == null || cidrs.isBlank()) {
            return new WebhookSources(List.of());
        }
        return new WebhookSources(List.of(cidrs.split(",")).stream().map(String::strip).filter(c -> !c.isEmpty())
                .map(WebhookSources::block).toList());
    }

    public boolean allowsEveryAddress() {
        return blocks.isEmpty();
    }

    /** Whether {@code sourceIp} (API Gateway's {@code requestContext.http.sourceIp}) is in a block. */
    public boolean allows(String sourceIp) {
        if (blocks.isEmpty()) {
            return true;
        }
        if (sourceIp == null || !LITERAL.matcher(sourceIp).matches()) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(sourceIp).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        BigInteger address = new BigInteger(1, bytes);
        return blocks.stream().anyMatch(b -> b.contains(address, bytes.length * 8));
    }

    private static Block block(String cidr) {
        String[] parts = cidr.split("/", -1);
        try {
            if (parts.length != 2 || !LITERAL.matcher(parts[0]).matches()) {
                throw new NumberFormatException();
            }
            byte[] bytes = InetAddress.getByName(parts[0]).getAddress();
            int bits = bytes.length * 8;
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < 0 || prefix > bits) {
                throw new NumberFormatException();
            }
            return new Block(new BigInteger(1, bytes), prefix, bits);
        } catch (NumberFormatException | UnknownHostException e) {
            throw new Misconfiguration("KNOT_WEBHOOK_SOURCE_CIDRS holds " + cidr + ", which is not a CIDR block");
        }
    }
}
