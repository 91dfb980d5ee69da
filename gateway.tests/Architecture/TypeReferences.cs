using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Bff.Tests.Architecture;

/// <summary>
/// Every type a compiled type uses: its base type and interfaces, fields, properties, method signatures, locals,
/// attributes, and what its method bodies call, read or create. Compiler-generated types (closures, state
/// machines) count as the type that declares them.
/// </summary>
internal static class TypeReferences
{
    /// <summary>Pairs of (using type, used type), both as the outermost declaring type.</summary>
    public static IEnumerable<(TypeDefinition From, TypeReference To)> Of(ModuleDefinition module)
    {
        foreach (var type in module.GetTypes())
        {
            var owner = Outermost(type);
            foreach (var used in UsedBy(type))
            {
                foreach (var part in Expand(used))
                {
                    yield return (owner, part);
                }
            }
        }
    }

    public static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    private static IEnumerable<TypeReference> UsedBy(TypeDefinition type)
    {
        if (type.BaseType is not null)
        {
            yield return type.BaseType;
        }

        foreach (var item in type.Interfaces)
        {
            yield return item.InterfaceType;
        }

        foreach (var attribute in type.CustomAttributes)
        {
            yield return attribute.AttributeType;
        }

        foreach (var field in type.Fields)
        {
            yield return field.FieldType;
        }

        foreach (var property in type.Properties)
        {
            yield return property.PropertyType;
        }

        foreach (var method in type.Methods)
        {
            foreach (var used in UsedBy(method))
            {
                yield return used;
            }
        }
    }

    private static IEnumerable<TypeReference> UsedBy(MethodDefinition method)
    {
        yield return method.ReturnType;
        foreach (var parameter in method.Parameters)
        {
            yield return parameter.ParameterType;
        }

        foreach (var attribute in method.CustomAttributes)
        {
            yield return attribute.AttributeType;
        }

        if (!method.HasBody)
        {
            yield break;
        }

        foreach (var variable in method.Body.Variables)
        {
            yield return variable.VariableType;
        }

        foreach (var instruction in method.Body.Instructions)
        {
            switch (instruction.Operand)
            {
                case TypeReference type:
                    yield return type;
                    break;
                case MethodReference called:
                    yield return called.DeclaringType;
                    yield return called.ReturnType;
                    foreach (var parameter in called.Parameters)
                    {
                        yield return parameter.ParameterType;
                    }

                    if (called is GenericInstanceMethod generic)
                    {
                        foreach (var argument in generic.GenericArguments)
                        {
                            yield return argument;
                        }
                    }

                    break;
                case FieldReference field:
                    yield return field.DeclaringType;
                    yield return field.FieldType;
                    break;
            }
        }
    }

    // Arrays, by-refs, pointers and generic instances name other types inside them.
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        switch (type)
        {
            case GenericInstanceType generic:
                yield return generic.ElementType;
                foreach (var argument in generic.GenericArguments)
                {
                    foreach (var part in Expand(argument))
                    {
                        yield return part;
                    }
                }

                break;
            case TypeSpecification specification:
                foreach (var part in Expand(specification.ElementType))
                {
                    yield return part;
                }

                break;
            case GenericParameter:
                break;
            default:
                yield return type;
                break;
        }
    }
}
