package io.github.userspipeline.task;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What a run's set of user ids looks like, in a few bytes: how many ids, and the sum (mod 2^64)
 * of a SHA-256-based 64-bit hash of each id's lower-case text. The sum does not depend on the
 * order, so fetch-users (the ids it produced) and verify-cassandra (the ids it finds, in any
 * order) compute the same digest exactly when they have the same ids, but for a 2^-64 chance:
 * a lost user and a foreign one with the run's id change the hash even when the count stays.
 * Text form, as in fetch-users' summary ({@code ids_digest}) and verify-cassandra's
 * {@code VERIFY_EXPECTED_DIGEST}: {@code COUNT:HASH}, HASH 16 lower-case hex digits.
 */
public record RunDigest(long count, long hash) {

    private static final Pattern TEXT = Pattern.compile("(\\d{1,18}):([0-9a-f]{16})");

    /** The digest of {@code ids}; each id counts once per occurrence, so pass distinct ids. */
    public static RunDigest of(Collection<UUID> ids) {
        Sum sum = new Sum();
        ids.forEach(sum::add);
        return sum.digest();
    }

    /**
     * The digest built id by id, e.g. as the ids are produced, so that no pass over them all is
     * left for the end; each id counts once per {@link #add}, so add distinct ids.
     */
    public static final class Sum {
        private final MessageDigest sha256 = sha256();
        private long count;
        private long hash;

        public void add(UUID id) {
            byte[] digest = sha256.digest(id.toString().getBytes(StandardCharsets.US_ASCII));
            hash += ByteBuffer.wrap(digest).getLong();
            count++;
        }

        public RunDigest digest() {
            return new RunDigest(count, hash);
        }
    }

    /**
     * This digest without {@code ids}, each of which it must count: what the run's digest is once
     * they are erased (the sum makes this exact).
     */
    public RunDigest without(Collection<UUID> ids) {
        RunDigest removed = of(ids);
        return new RunDigest(count - removed.count, hash - removed.hash);
    }

    /** Reads the text form {@code COUNT:HASH}. */
    public static RunDigest parse(String text) {
        Matcher parts = TEXT.matcher(text.strip());
        if (!parts.matches()) {
            throw new IllegalArgumentException(
                    "expected COUNT:HASH (HASH 16 hex digits), as fetch-users' ids_digest, " + "got '" + text + "'");
        }
        return new RunDigest(Long.parseLong(parts.group(1)), Long.parseUnsignedLong(parts.group(2), 16));
    }

    @JsonValue
    @Override
    public String toString() {
        return count + ":" + HexFormat.of().toHexDigits(hash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Reads an option's value, e.g. {@code --verify-expected-digest=1000:0123456789abcdef}. */
    public static final class Converter implements ITypeConverter<RunDigest> {
        @Override
        public RunDigest convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
