package io.pushhub.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushhub.config.TestConfigs;
import io.pushhub.security.IdentityResolver.Identified;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signed anonymous cookie: one browser, one anonymous user, across restarts and nodes that share the secret. */
class AnonymousCookiesTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static String userOf(AnonymousCookies cookies, String value) throws Exception {
        IdentityResolver r = new IdentityResolver();
        r.config = TestConfigs.defaults();
        r.jwt = JwtVerifierTest.verifier(null, "RS256", null);
        Map<String, List<String>> headers = Map.of("Cookie", List.of("a=b; " + AnonymousCookies.NAME + "=" + value));
        Identified who = (Identified) r.resolve(null, null, headers, Map.of(), cookies.of(headers), false);
        return who.source() == IdentityResolver.Source.COOKIE ? who.identity().userId() : null;
    }

    @Test
    void aCookieIsTheSameUserOnEveryServerWithTheSameSecret() throws Exception {
        AnonymousCookies before = new AnonymousCookies(SECRET);
        AnonymousCookies.Minted m = before.mint();
        String user = userOf(before, m.value());
        assertTrue(user.matches("anon-[0-9a-f]{16}"), user);
        assertFalse(user.contains(m.id()), "the cookie's id is not shown as the user id");
        // A restarted server (or another node) with the same secret: the same user.
        assertEquals(user, userOf(new AnonymousCookies(SECRET.clone()), m.value()));
        assertNotEquals(user, userOf(before, before.mint().value()), "another browser is another user");
    }

    @Test
    void aTamperedOrForeignCookieIsNobody() throws Exception {
        AnonymousCookies cookies = new AnonymousCookies(SECRET);
        String value = cookies.mint().value();
        String id = value.substring(0, value.indexOf('.'));
        String mac = value.substring(value.indexOf('.') + 1);
        char last = id.charAt(id.length() - 1);
        String otherId = id.substring(0, id.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertNull(cookies.verify(otherId + "." + mac), "another id with the same signature");
        assertNull(cookies.verify(id + "." + mac.substring(1) + "x"), "a changed signature");
        assertNull(cookies.verify(id), "no signature");
        assertNull(cookies.verify("." + mac));
        assertNull(cookies.verify(value + "x".repeat(100)), "too long");
        assertNull(userOf(cookies, otherId + "." + mac));
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        assertNull(new AnonymousCookies(other).verify(value), "signed with another secret");
        assertEquals(id, cookies.verify(value));
    }

    @Test
    void theGeneratedSecretIsKeptInItsFileAndReadAtTheNextStart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/pushhub-anonymous.key");
        byte[] first = AnonymousCookies.secret(null, file);
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(first, AnonymousCookies.secret(null, file), "the next start reads the same secret");
        assertArrayEquals(first, AnonymousCookies.secret("  ", file), "a blank secret is no secret");
        // A configured secret wins over the file, and every node configured alike agrees.
        byte[] configured = AnonymousCookies.secret("a-secret-shared-by-every-node-of-the-cluster", file);
        assertFalse(java.util.Arrays.equals(first, configured));
        assertArrayEquals(
                configured, AnonymousCookies.secret("a-secret-shared-by-every-node-of-the-cluster", dir.resolve("x")));
    }

    @Test
    void anUnusableFileGivesASecretForThisRunOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("short.key");
        Files.writeString(file, "c2hvcnQ=\n"); // 5 bytes: not a secret
        byte[] a = AnonymousCookies.secret(null, file);
        byte[] b = AnonymousCookies.secret(null, file);
        assertEquals(32, a.length);
        assertFalse(java.util.Arrays.equals(a, b), "random each time, never the broken file's content");
        assertEquals("c2hvcnQ=\n", Files.readString(file), "the file is left alone");
    }

    @Test
    void theCookieIsHttpOnlyLaxOverHttpAndNoneSecureOverHttps() {
        assertEquals(
                "pushhub-anon=v; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax",
                AnonymousCookies.setCookie("v", false, ""));
        assertEquals(
                "pushhub-anon=v; Path=/hub; Max-Age=31536000; HttpOnly; SameSite=None; Secure",
                AnonymousCookies.setCookie("v", true, "/hub"));
    }
}
