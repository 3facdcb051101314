package io.github.userspipeline.streamusers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Users on the record contract, as fetch-users writes them to users_created (~430 bytes of JSON
 * each), and records that break it in each way the job must catch.
 */
final class ContractUsers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIRST = List.of("Melvin", "Zoë", "Chloé", "Ömer", "Saanvi", "Jørgen");
    private static final List<String> LAST = List.of("Hamilton", "Kaminska", "Müller", "O'Brien", "Yılmaz");

    /** A broken record and the words its rejection reason must contain. */
    record Invalid(String value, String reason) {
    }

    private ContractUsers() {
    }

    /** {@code count} valid users of {@code runId}; the same seed gives the same users. */
    static List<ObjectNode> valid(String runId, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ObjectNode> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            users.add(user(random, runId));
        }
        return users;
    }

    static ObjectNode user(SplittableRandom random, String runId) {
        String first = FIRST.get(random.nextInt(FIRST.size()));
        String last = LAST.get(random.nextInt(LAST.size()));
        ObjectNode user = JSON.createObjectNode();
        user.put("id", new UUID(random.nextLong(), random.nextLong()).toString());
        user.put("first_name", first);
        user.put("last_name", last);
        user.put("gender", random.nextBoolean() ? "male" : "female");
        user.put("address", random.nextInt(1, 9999) + " Kirkegata, Oslo, Norway");
        user.put("post_code", String.valueOf(random.nextInt(10000, 99999)));
        user.put("email", first.toLowerCase() + "." + last.toLowerCase() + "@example.com");
        user.put("username", "crazyostrich" + random.nextInt(1000));
        user.put("dob", Instant.ofEpochSecond(random.nextLong(-946_684_800L, 946_684_800L)).toString());
        user.put("registered_date", Instant.ofEpochSecond(random.nextLong(946_684_800L, 1_700_000_000L)).toString());
        user.put("phone", "(0" + random.nextInt(10, 99) + ") " + random.nextInt(100, 999) + "-" + random.nextInt(1000, 9999));
        user.put("picture", "https://randomuser.me/api/portraits/men/" + random.nextInt(100) + ".jpg");
        user.put("nationality", "NO");
        user.put("latitude", Math.round(random.nextDouble(-90, 90) * 1e4) / 1e4);
        user.put("longitude", Math.round(random.nextDouble(-180, 180) * 1e4) / 1e4);
        user.put("run_id", runId);
        user.put("fetched_at", "2026-11-21T20:00:00.123Z");
        return user;
    }

    /** One record per kind of problem the job rejects. */
    static List<Invalid> invalid(String runId) {
        SplittableRandom random = new SplittableRandom(7);
        return List.of(
                new Invalid(user(random, runId).put("id", "not-a-uuid").toString(), "id is not a UUID: not-a-uuid"),
                new Invalid(user(random, runId).put("email", "nobody.example.com").toString(),
                        "email is not an address: nobody.example.com"),
                new Invalid(user(random, runId).put("gender", "unicorn").toString(), "unknown gender: unicorn"),
                new Invalid(user(random, runId).put("dob", "yesterday").toString(),
                        "dob is not an ISO-8601 instant: yesterday"),
                new Invalid(without(user(random, runId), "last_name").toString(), "last_name is missing"),
                new Invalid(user(random, runId).put("latitude", 123.0).toString(), "latitude is not within ±90"),
                new Invalid("{\"run_id\": \"" + runId + "\", \"id\": broken", "not a JSON object of the record contract"),
                new Invalid(user(random, runId).put("latitude", "north").toString(),
                        "not a JSON object of the record contract"));
    }

    private static ObjectNode without(ObjectNode user, String field) {
        user.remove(field);
        return user;
    }
}
