using FineTune.Testing;
using System.Xml.Linq;

namespace FineTune.Deploy.Tests;

[Collection(DeploymentCollection.Name)]
public sealed class AzureYamlSpecs(DeploymentFixture deployment)
{
    [Fact]
    public void Every_service_is_an_ASP_NET_project_that_azd_publishes_to_Container_Apps()
    {
        Assert.NotEmpty(deployment.AzureYaml.Services);
        foreach (var service in deployment.AzureYaml.Services)
        {
            Assert.True(service.Host == "containerapp", $"azure.yaml: service '{service.Name}' has host '{service.Host}', expected containerapp.");
            Assert.True(service.Language == "dotnet", $"azure.yaml: service '{service.Name}' has language '{service.Language}', expected dotnet.");
            Assert.False(string.IsNullOrEmpty(service.Project), $"azure.yaml: service '{service.Name}' has no project.");
            var folder = RepositoryFiles.PathOf(service.Project!);
            Assert.True(Directory.Exists(folder), $"azure.yaml: service '{service.Name}' names project {service.Project}, which does not exist.");
            var project = Assert.Single(Directory.GetFiles(folder, "*.csproj"));
            Assert.True((string?)XDocument.Load(project).Root?.Attribute("Sdk") == "Microsoft.NET.Sdk.Web",
                $"azure.yaml: service '{service.Name}' project {project} is not a web project (Sdk=\"Microsoft.NET.Sdk.Web\").");
        }
    }

    [Fact]
    public void Every_project_the_AppHost_runs_is_an_azd_service_of_the_same_name_and_project()
    {
        var services = deployment.AzureYaml.Services.ToDictionary(s => s.Name);
        var projects = deployment.AppHost.Where(r => r.ProjectPath is not null).ToList();
        Assert.Equal(7, projects.Count);
        foreach (var project in projects)
        {
            Assert.True(services.TryGetValue(project.Name, out var service), $"The AppHost runs '{project.Name}', which azure.yaml does not deploy.");
            Assert.Equal(Normalize(project.ProjectPath!), Normalize(service!.Project!));
        }
    }

    [Fact]
    public void Every_azd_service_runs_a_project_the_AppHost_runs()
    {
        var projectPaths = deployment.AppHost.Where(r => r.ProjectPath is not null).Select(r => Normalize(r.ProjectPath!)).ToHashSet();
        foreach (var service in deployment.AzureYaml.Services)
            Assert.True(projectPaths.Contains(Normalize(service.Project!)),
                $"azure.yaml: service '{service.Name}' deploys {service.Project}, which the AppHost does not run.");
    }

    [Fact]
    public void Every_hook_script_azure_yaml_runs_exists()
    {
        Assert.NotEmpty(deployment.AzureYaml.HookScripts);
        foreach (var script in deployment.AzureYaml.HookScripts)
            Assert.True(File.Exists(RepositoryFiles.PathOf(script)), $"azure.yaml runs hook {script}, which does not exist.");
    }

    private static string Normalize(string projectPath) =>
        Path.GetRelativePath(RepositoryFiles.PathOf(), RepositoryFiles.PathOf(projectPath)).Replace('\\', '/').TrimEnd('/');
}
