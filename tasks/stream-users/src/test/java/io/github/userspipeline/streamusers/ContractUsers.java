package io.github.userspipeline.streamusers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.userspipeline.task.TaskMain;
import io.github.userspipeline.task.contract.UserRecord;
import io.github.userspipeline.task.contract.UserRules;
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

    private static final List<String> FIRST = List.of("Melvin", "Zoë", "Chloé", "Ömer", "Saanvi", "Jørgen");
    private static final List<String> LAST = List.of("Hamilton", "Kaminska", "Müller", "O'Brien", "Yılmaz");

    /** A broken record and the words its rejection reason must contain. */
    record Invalid(String value, String reason) {}

    private ContractUsers() {}

    /** {@code count} valid users of {@code runId}; the same seed gives the same users. */
    static List<ObjectNode> valid(String runId, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ObjectNode> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            users.add(user(random, runId));
        }
        return users;
    }

    /** A user as fetch-users writes it: a {@link UserRecord} in {@link TaskMain#JSON}. */
    static ObjectNode user(SplittableRandom random, String runId) {
        String first = FIRST.get(random.nextInt(FIRST.size()));
        String last = LAST.get(random.nextInt(LAST.size()));
        UserRecord user = new UserRecord(
                new UUID(random.nextLong(), random.nextLong()).toString(),
                first,
                last,
                random.nextBoolean() ? "male" : "female",
                random.nextInt(1, 9999) + " Kirkegata, Oslo, Norway",
                String.valueOf(random.nextInt(10000, 99999)),
                first.toLowerCase() + "." + last.toLowerCase() + "@example.com",
                "crazyostrich" + random.nextInt(1000),
                Instant.ofEpochSecond(random.nextLong(-946_684_800L, 946_684_800L))
                        .toString(),
                Instant.ofEpochSecond(random.nextLong(946_684_800L, 1_700_000_000L))
                        .toString(),
                "(0" + random.nextInt(10, 99) + ") " + random.nextInt(100, 999) + "-" + random.nextInt(1000, 9999),
                "https://randomuser.me/api/portraits/men/" + random.nextInt(100) + ".jpg",
                "NO",
                Math.round(random.nextDouble(-90, 90) * 1e4) / 1e4,
                Math.round(random.nextDouble(-180, 180) * 1e4) / 1e4,
                runId,
                "2026-11-21T20:00:00.123Z",
                "0" + random.nextInt(100, 999) + "-" + random.nextInt(100, 999) + "-" + random.nextInt(100, 999));
        return TaskMain.JSON.valueToTree(user);
    }

    /**
     * The user as a fetch-users of contract {@code version} wrote it: without the fields added after
     * that version, and for version 1 without {@code contract_version} (written before records carried
     * one). A version above {@link UserRecord#VERSION} is the current record that claims it.
     */
    static ObjectNode ofVersion(ObjectNode user, int version) {
        ObjectNode record = user.deepCopy();
        UserRecord.FIELDS.stream()
                .filter(field -> field.since() > version)
                .forEach(field -> record.remove(field.name()));
        if (version == 1) {
            record.remove(UserRecord.VERSION_FIELD);
        } else {
            record.put(UserRecord.VERSION_FIELD, version);
        }
        return record;
    }

    /** The id of a record's JSON. */
    static UUID id(String record) {
        try {
            return UUID.fromString(
                    TaskMain.JSON.readTree(record).get(UserRecord.ID).asText());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** One record per kind of problem the job rejects. */
    static List<Invalid> invalid(String runId) {
        SplittableRandom random = new SplittableRandom(7);
        return List.of(
                new Invalid(
                        user(random, runId).put("id", "not-a-uuid").toString(), UserRules.notUuid("id") + "not-a-uuid"),
                new Invalid(
                        user(random, runId).put("email", "nobody.example.com").toString(),
                        UserRules.notEmail("email") + "nobody.example.com"),
                new Invalid(
                        user(random, runId).put("gender", "unicorn").toString(),
                        UserRules.unknownGender("gender") + "unicorn"),
                new Invalid(
                        user(random, runId).put("dob", "yesterday").toString(),
                        UserRules.notInstant("dob") + "yesterday"),
                new Invalid(without(user(random, runId), "last_name").toString(), UserRules.missing("last_name")),
                new Invalid(without(user(random, runId), "cell").toString(), UserRules.missing("cell")),
                new Invalid(
                        ofVersion(user(random, runId), UserRecord.VERSION + 1).toString(),
                        UserRules.newerVersion(UserRecord.VERSION_FIELD, UserRecord.VERSION)
                                + (UserRecord.VERSION + 1)),
                new Invalid(
                        user(random, runId).put(UserRecord.VERSION_FIELD, "abc").toString(),
                        UserRules.notVersion(UserRecord.VERSION_FIELD) + "abc"),
                new Invalid(
                        user(random, runId).put("latitude", 123.0).toString(),
                        UserRules.notCoordinate("latitude", UserRules.LATITUDE_LIMIT) + "123.0"),
                new Invalid(
                        "{\"run_id\": \"" + runId + "\", \"id\": broken", "not a JSON object of the record contract"),
                new Invalid(
                        user(random, runId).put("latitude", "north").toString(),
                        "not a JSON object of the record contract"));
    }

    private static ObjectNode without(ObjectNode user, String field) {
        user.remove(field);
        return user;
    }
}
