package io.twinegress.emulators.identity;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Points the managed-identity credential of {@code azure-identity} at the local provider <i>inside this
 * JVM</i>. The credential (through MSAL) reads {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} from
 * the process environment only, and a JVM cannot change its own environment; MSAL has a package-private
 * hook for its own tests that replaces where it reads them, set here by reflection. With the hook set,
 * MSAL sees only these two variables (any other lookup answers null), so a developer's or CI machine's
 * environment cannot send it elsewhere, and it never falls back to the cloud metadata address.
 *
 * <p>For a child process (a Connect worker), set the real environment from
 * {@link IdentityProvider#managedIdentityEnvironment()} instead; nothing here is needed there.
 * Test tooling only: it is JVM-wide, so one provider per JVM at a time.
 */
public final class MsalEnvironment {

    private static final String APPLICATION = "com.microsoft.aad.msal4j.ManagedIdentityApplication";
    private static final String VARIABLES = "com.microsoft.aad.msal4j.IEnvironmentVariables";

    private MsalEnvironment() {
    }

    /** MSAL reads {@code IDENTITY_ENDPOINT}/{@code IDENTITY_HEADER} from {@code provider} from now on. */
    public static void pointAt(IdentityProvider provider) {
        set(provider.managedIdentityEnvironment());
    }

    /** MSAL reads exactly {@code variables} (any other name: null) from now on. */
    public static void set(Map<String, String> variables) {
        set(MsalEnvironment.class.getClassLoader(), variables);
    }

    /**
     * As {@link #pointAt(IdentityProvider)}, for the copy of MSAL that {@code loader} loads: a Connect
     * plugin's own class loader holds a copy of its own, which the hook of this class path's copy does
     * not reach (an in-JVM Connect worker's task runs with the plugin's).
     */
    public static void pointAt(ClassLoader loader, IdentityProvider provider) {
        set(loader, provider.managedIdentityEnvironment());
    }

    /** As {@link #set(Map)}, for the copy of MSAL that {@code loader} loads. */
    public static void set(ClassLoader loader, Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        try {
            Class<?> app = Class.forName(APPLICATION, true, loader);
            Class<?> vars = Class.forName(VARIABLES, true, loader);
            InvocationHandler lookup = (proxy, method, args) -> switch (method.getName()) {
                case "getEnvironmentVariable" -> copy.get((String) args[0]);
                case "toString" -> "MsalEnvironment" + copy.keySet();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> null;
            };
            Object hook = Proxy.newProxyInstance(vars.getClassLoader(), new Class<?>[] {vars}, lookup);
            Method setter = app.getDeclaredMethod("setEnvironmentVariables", vars);
            setter.setAccessible(true);
            setter.invoke(null, hook);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot set MSAL's environment hook (msal4j missing or changed): " + e, e);
        }
    }

    /** MSAL reads the process environment again. */
    public static void reset() {
        reset(MsalEnvironment.class.getClassLoader());
    }

    /** As {@link #reset()}, for the copy of MSAL that {@code loader} loads. */
    public static void reset(ClassLoader loader) {
        try {
            Class<?> app = Class.forName(APPLICATION, true, loader);
            Method setter = app.getDeclaredMethod("setEnvironmentVariables", Class.forName(VARIABLES, true, loader));
            setter.setAccessible(true);
            setter.invoke(null, new Object[] {null});
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reset MSAL's environment hook: " + e, e);
        }
    }
}
