package io.github.userspipeline.testsupport.randomuser;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes users shaped like randomuser.me's v1.4 results, with their quirks: integer postcodes for
 * most nationalities and text ones for CA, GB, NL and NO; coordinates as strings; a null
 * {@code id.value} for IR, NZ, TR and UA; ages that depend on the day. The same
 * {@code seed + page + results} always gives the same users, as the real API does.
 */
final class UserGenerator {

    private record Nationality(String code, String country, String idName, boolean textPostcode) {}

    static final List<String> NATIONALITIES = List.of(
            "AU", "BR", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IN", "IR", "MX", "NL", "NO", "NZ", "RS",
            "TR", "UA", "US");

    private static final List<Nationality> COUNTRIES = List.of(
            new Nationality("AU", "Australia", "TFN", false),
            new Nationality("BR", "Brazil", "CPF", false),
            new Nationality("CA", "Canada", "SIN", true),
            new Nationality("CH", "Switzerland", "AVS", false),
            new Nationality("DE", "Germany", "SVNR", false),
            new Nationality("DK", "Denmark", "CPR", false),
            new Nationality("ES", "Spain", "DNI", false),
            new Nationality("FI", "Finland", "HETU", false),
            new Nationality("FR", "France", "INSEE", false),
            new Nationality("GB", "United Kingdom", "NINO", true),
            new Nationality("IE", "Ireland", "PPS", false),
            new Nationality("IN", "India", "UIDAI", false),
            new Nationality("IR", "Iran", "", false),
            new Nationality("MX", "Mexico", "NSS", false),
            new Nationality("NL", "Netherlands", "BSN", true),
            new Nationality("NO", "Norway", "FN", true),
            new Nationality("NZ", "New Zealand", "", false),
            new Nationality("RS", "Serbia", "SID", false),
            new Nationality("TR", "Turkey", "", false),
            new Nationality("UA", "Ukraine", "", false),
            new Nationality("US", "United States", "SSN", false));

    private static final List<String> MALE_FIRST = List.of(
            "Melvin", "Jørgen", "Ömer", "Lucas", "Arjun", "Mateo", "Noah", "Émile", "Oskar", "Liam", "Kerem", "Taras",
            "Hugo", "Aarav", "Milan", "Finn");
    private static final List<String> FEMALE_FIRST = List.of(
            "Antonida",
            "Zoë",
            "Chloé",
            "Ines",
            "Saanvi",
            "Freya",
            "Maja",
            "Elif",
            "Olivia",
            "Léa",
            "Ana",
            "Mila",
            "Aino",
            "Sofía",
            "Nora",
            "Ava");
    private static final List<String> LAST = List.of(
            "Hamilton",
            "Kaminska",
            "Müller",
            "Jensen",
            "García",
            "Virtanen",
            "Dubois",
            "O'Brien",
            "Sharma",
            "Rezaei",
            "Hernández",
            "de Vries",
            "Hansen",
            "Walker",
            "Petrović",
            "Yılmaz");
    private static final List<String> STREETS = List.of(
            "King Street",
            "Provulok Pushkina",
            "Hauptstraße",
            "Rue de la Paix",
            "Calle Mayor",
            "Main Street",
            "Kirkegata",
            "Station Road",
            "Avenida Paulista");
    private static final List<String> CITIES = List.of(
            "Liverpool",
            "Chistyakove",
            "Hamburg",
            "Lyon",
            "Valencia",
            "Dunedin",
            "Oslo",
            "Toronto",
            "Campinas",
            "Pune");
    private static final List<String> STATES = List.of(
            "Hertfordshire",
            "Ternopilska",
            "Bayern",
            "Rhône",
            "Navarra",
            "Otago",
            "Oslo",
            "Ontario",
            "São Paulo",
            "Maharashtra");
    private static final List<String> WORDS = List.of("happy", "organic", "silver", "tiny", "lazy", "brown", "crazy");
    private static final List<String> ANIMALS = List.of("swan", "ostrich", "tiger", "koala", "bear", "frog", "duck");
    private static final List<String> OFFSETS =
            List.of("-10:00", "-5:00", "-3:30", "0:00", "+1:00", "+3:30", "+5:45", "+7:00", "+9:30", "+12:00");
    /** Names as the API spells them in emails: ASCII, lower case, letters only. */
    private static final Map<String, String> EMAIL_NAMES = Stream.of(MALE_FIRST, FEMALE_FIRST, LAST)
            .flatMap(List::stream)
            .distinct()
            .collect(Collectors.toMap(name -> name, UserGenerator::asciiLower));

    /**
     * The instant the dates are drawn back from: fixed, so that a seed gives the same dates on any
     * day, as on the real API (whose users were born 1944–2003 and registered 2002–2022).
     */
    private static final Instant DATES_UNTIL = Instant.parse("2023-01-01T00:00:00Z");

    private static final long YEAR_MILLIS = 365L * 24 * 3600 * 1000;

    private final JsonNodeFactory json = JsonNodeFactory.instance;

    /** The deterministic random source for one request, as the API derives it from its parameters. */
    static SplittableRandom randomFor(String seed, int page, int results) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((seed + "|" + page + "|" + results).getBytes(StandardCharsets.UTF_8));
            long state = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                state = (state << 8) | (digest[i] & 0xff);
            }
            return new SplittableRandom(state);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    ObjectNode user(SplittableRandom random, List<String> nationalities, String gender, Instant now) {
        Nationality nat = country(nationalities.get(random.nextInt(nationalities.size())));
        String sex = gender != null ? gender : random.nextBoolean() ? "male" : "female";
        String first = pick(random, sex.equals("male") ? MALE_FIRST : FEMALE_FIRST);
        String last = pick(random, LAST);

        ObjectNode user = json.objectNode();
        user.put("gender", sex);
        ObjectNode name = user.putObject("name");
        name.put("title", sex.equals("male") ? "Mr" : pick(random, List.of("Mrs", "Ms", "Miss", "Madame")));
        name.put("first", first);
        name.put("last", last);

        ObjectNode location = user.putObject("location");
        ObjectNode street = location.putObject("street");
        street.put("number", 1 + random.nextInt(9999));
        street.put("name", pick(random, STREETS));
        location.put("city", pick(random, CITIES));
        location.put("state", pick(random, STATES));
        location.put("country", nat.country());
        if (nat.textPostcode()) {
            location.put("postcode", textPostcode(random, nat.code()));
        } else {
            location.put("postcode", random.nextInt(100, 100_000));
        }
        ObjectNode coordinates = location.putObject("coordinates");
        coordinates.put("latitude", fourDecimals(random, 90));
        coordinates.put("longitude", fourDecimals(random, 180));
        ObjectNode timezone = location.putObject("timezone");
        timezone.put("offset", pick(random, OFFSETS));
        timezone.put("description", "Somewhere, Some Other Place");

        user.put("email", EMAIL_NAMES.get(first) + "." + EMAIL_NAMES.get(last) + "@example.com");

        ObjectNode login = user.putObject("login");
        login.put(
                "uuid",
                new UUID(
                                random.nextLong() & ~0xF000L | 0x4000L,
                                random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L)
                        .toString());
        login.put("username", pick(random, WORDS) + pick(random, ANIMALS) + random.nextInt(100, 1000));
        login.put("password", pick(random, List.of("kathy", "sucks", "hunter2", "letmein")));
        login.put("salt", hex(random, 4));
        login.put("md5", hex(random, 16));
        login.put("sha1", hex(random, 20));
        login.put("sha256", hex(random, 32));

        // As the real API draws them: born 20 to 79 years before, registered within the 20 years
        // before, independently (a user can register young, or even before birth).
        Instant dob = DATES_UNTIL.minus(random.nextLong(20 * YEAR_MILLIS, 79 * YEAR_MILLIS), ChronoUnit.MILLIS);
        Instant registered = DATES_UNTIL.minus(random.nextLong(0, 20 * YEAR_MILLIS), ChronoUnit.MILLIS);
        putDate(user.putObject("dob"), dob, now);
        putDate(user.putObject("registered"), registered, now);

        user.put(
                "phone",
                "(0" + random.nextInt(10, 100) + ") " + random.nextInt(100, 1000) + "-" + random.nextInt(1000, 10000));
        user.put(
                "cell",
                "0" + random.nextInt(100, 1000) + "-" + random.nextInt(100, 1000) + "-" + random.nextInt(100, 1000));
        ObjectNode id = user.putObject("id");
        id.put("name", nat.idName());
        if (nat.idName().isEmpty()) {
            id.putNull("value");
        } else {
            id.put("value", String.valueOf(random.nextLong(100_000_000L, 1_000_000_000L)));
        }

        int portrait = random.nextInt(100);
        String folder = sex.equals("male") ? "men" : "women";
        ObjectNode picture = user.putObject("picture");
        picture.put("large", "https://randomuser.me/api/portraits/" + folder + "/" + portrait + ".jpg");
        picture.put("medium", "https://randomuser.me/api/portraits/med/" + folder + "/" + portrait + ".jpg");
        picture.put("thumbnail", "https://randomuser.me/api/portraits/thumb/" + folder + "/" + portrait + ".jpg");
        user.put("nat", nat.code());
        return user;
    }

    private static Nationality country(String code) {
        return COUNTRIES.stream().filter(c -> c.code().equals(code)).findFirst().orElseThrow();
    }

    private static String textPostcode(SplittableRandom random, String nat) {
        char a = (char) ('A' + random.nextInt(26));
        char b = (char) ('A' + random.nextInt(26));
        return switch (nat) {
            case "CA" ->
                String.format(
                        Locale.ROOT,
                        "%c%d%c %d%c%d",
                        a,
                        random.nextInt(10),
                        b,
                        random.nextInt(10),
                        a,
                        random.nextInt(10));
            case "GB" ->
                String.format(Locale.ROOT, "%c%d %d%c%c", a, random.nextInt(10, 100), random.nextInt(10), a, b);
            case "NL" -> String.format(Locale.ROOT, "%04d %c%c", random.nextInt(10000), a, b);
            default -> String.format(Locale.ROOT, "%04d", random.nextInt(10000));
        };
    }

    private void putDate(ObjectNode node, Instant date, Instant now) {
        node.put("date", date.truncatedTo(ChronoUnit.MILLIS).toString());
        node.put(
                "age",
                date.atOffset(ZoneOffset.UTC)
                        .toLocalDate()
                        .until(now.atOffset(ZoneOffset.UTC).toLocalDate())
                        .getYears());
    }

    /** "-41.2345": what the API sends, a string with four decimals (String.format is slow here). */
    private static String fourDecimals(SplittableRandom random, int limit) {
        int tenThousandths = random.nextInt(-limit * 10_000, limit * 10_000 + 1);
        int whole = Math.abs(tenThousandths) / 10_000;
        int fraction = Math.abs(tenThousandths) % 10_000;
        return (tenThousandths < 0 ? "-" : "") + whole + "." + (fraction + 10_000 + "").substring(1);
    }

    private static String asciiLower(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFD)
                .replaceAll("[^\\p{ASCII}]", "")
                .replaceAll("[^A-Za-z]", "")
                .toLowerCase(Locale.ROOT);
    }

    private static String hex(SplittableRandom random, int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    private static String pick(SplittableRandom random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }
}
