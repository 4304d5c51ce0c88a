{% macro stop_on_input_errors(relation, shown=20) %}
    {#- Fails the node with a message a person can act on: file, record, field, what is
        wrong, for the first `shown` errors, and where to find the rest. -#}
    {% if execute %}
        {% set errors = run_query(
            "select check_name, coalesce(input_file, ''), coalesce(record, ''),"
            ~ " coalesce(field, ''), coalesce(value, ''), message"
            ~ " from " ~ relation ~ " where severity = 'error'"
            ~ " order by check_name, input_file, record, field, value"
        ) %}
        {% if errors.rows | length > 0 %}
            {% set lines = [] %}
            {% for row in errors.rows[:shown] %}
                {% do lines.append(
                    "  - " ~ row[0] ~ ": "
                    ~ (("file " ~ row[1] ~ ", ") if row[1] else "")
                    ~ row[2] ~ ", field " ~ row[3]
                    ~ ((" = " ~ (row[4] | string)[:80]) if row[4] else "")
                    ~ ": " ~ row[5]
                ) %}
            {% endfor %}
            {{ exceptions.raise_compiler_error(
                "Bad input: " ~ (errors.rows | length) ~ " error(s); no deliverable was written.\n"
                ~ (lines | join("\n"))
                ~ ("\n  ... and more" if errors.rows | length > shown else "")
                ~ "\nAll findings: select * from " ~ relation
            ) }}
        {% endif %}
    {% endif %}
    select 1
{% endmacro %}


{% macro policy_var(name, allowed) %}
    {#- A policy var with a value outside its choices stops the build at compile time. -#}
    {% set value = var(name) %}
    {% if value not in allowed %}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " = " ~ value ~ " is not one of " ~ (allowed | join(", "))
        ) }}
    {% endif %}
    {{ return(value) }}
{% endmacro %}
