package dev.plaidknot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape the code keeps: dependencies point one way (Lambda's entries → cold start → handlers →
 * composition root → services → ports and adapters → foundation), no package is in a cycle, and the
 * services reach Plaid, Knot and AWS only through their ports.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.plaidknot");

    private static final String[] SERVICES = {"dev.plaidknot.link..", "dev.plaidknot.webhook..", "dev.plaidknot.cardswitch.."};
    /** What the adapters are written against: a service that reaches one of these skipped its port. */
    private static final List<String> ADAPTER_LIBRARIES = List.of("com.plaid.", "retrofit2.", "okhttp3.", "software.amazon.");

    @Test
    void no_package_is_in_a_cycle() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return SliceIdentifier.of(javaClass.getPackageName());
            }

            @Override
            public String getDescription() {
                return "each package of the functions";
            }
        }).should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void dependencies_point_one_way_and_nothing_below_a_handler_knows_http() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Entries").definedBy("dev.plaidknot.function..")
                .layer("Startup").definedBy("dev.plaidknot.startup..")
                .layer("Handlers").definedBy("dev.plaidknot.handler..", "dev.plaidknot.api..")
                .layer("Composition").definedBy("dev.plaidknot")
                // A separate function (the development card platform), beside the service, not under it.
                .layer("Development cards").definedBy("dev.plaidknot.devcards..")
                .layer("Services").definedBy(SERVICES)
                .layer("Ports and adapters").definedBy("dev.plaidknot.plaid..", "dev.plaidknot.knot..",
                        "dev.plaidknot.vault..", "dev.plaidknot.secrets..", "dev.plaidknot.aws..",
                        "dev.plaidknot.cardplatform..")
                .layer("Foundation").definedBy("dev.plaidknot.upstream..", "dev.plaidknot.domain..",
                        "dev.plaidknot.json..", "dev.plaidknot.config..", "dev.plaidknot.observability..")
                .whereLayer("Entries").mayNotBeAccessedByAnyLayer()
                .whereLayer("Startup").mayOnlyBeAccessedByLayers("Entries")
                .whereLayer("Handlers").mayOnlyBeAccessedByLayers("Entries", "Startup")
                .whereLayer("Composition").mayOnlyBeAccessedByLayers("Entries", "Startup", "Handlers")
                .whereLayer("Development cards").mayOnlyBeAccessedByLayers("Entries")
                .whereLayer("Services").mayOnlyBeAccessedByLayers("Startup", "Handlers", "Composition")
                .whereLayer("Ports and adapters")
                .mayOnlyBeAccessedByLayers("Startup", "Handlers", "Composition", "Services", "Development cards")
                .check(MAIN);
    }

    @Test
    void services_reach_plaid_knot_and_aws_only_through_their_ports() {
        noClasses().that().resideInAnyPackage(SERVICES)
                .should().dependOnClassesThat(adapterLibrary().or(adapterOfOurs()))
                .check(MAIN);
    }

    private static DescribedPredicate<JavaClass> adapterLibrary() {
        return DescribedPredicate.describe("belong to plaid-java, Retrofit, OkHttp or the AWS SDK",
                javaClass -> ADAPTER_LIBRARIES.stream().anyMatch(javaClass.getName()::startsWith));
    }

    /** One of our classes written against such a library: an adapter, which only the composition root builds. */
    private static DescribedPredicate<JavaClass> adapterOfOurs() {
        return DescribedPredicate.describe("are our adapters (classes that use those libraries)",
                javaClass -> javaClass.getName().startsWith("dev.plaidknot.")
                        && javaClass.getDirectDependenciesFromSelf().stream()
                        .anyMatch(dependency -> ADAPTER_LIBRARIES.stream()
                                .anyMatch(dependency.getTargetClass().getName()::startsWith)));
    }
}
