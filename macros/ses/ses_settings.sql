{#- The project's settings (its dbt vars): the one list of every setting,
    what a valid value of each is, and the check of the values a run is
    given. Defaults stay in dbt_project.yml; a new setting is one entry
    below and its default there.

    Checked in three places, all from this list: at the start of every run
    (ses_check_settings, the on-run-start hook: every setting, unknown
    names, settings a selected model needs); wherever a value is read
    (ses_setting, so that `dbt compile`, `dbt show` and operations, which
    run no hook, never use a bad value either); and, for the settings dbt
    renders into SQL before any hook runs (schema names: dbt creates the
    schemas first), already while dbt parses. -#}

{#- The list, in the order dbt_project.yml sets them. Written as a literal
    that Jinja and Python (ast.literal_eval, between "set settings =" and
    the closing "-%}") both read, so that tools outside dbt use it as it is.
    `patterns` are the safe forms of names; each setting has:
      name      the var (its default is in dbt_project.yml)
      type      text, boolean, integer, number, list or mapping
                  text: pattern (one of `patterns`), one_of (the values allowed)
                  integer, number: minimum (inclusive), greater_than, less_than (exclusive)
                  list: item (what each element is), minimum_length
                  mapping: fields (each key's own spec; optional: True for a
                  key that may be left out) or any_key and any_value;
                  ascending (keys whose values must rise in that order)
      nullable  True where null is a value (at any level)
      checked_while_parsing  True for what dbt renders into SQL before any
                hook runs: fails while dbt parses
      required_for  models that read it: a run that selects one of them
                needs it set (not empty)
      example   a valid value as written in YAML, shown in every error line -#}
{% macro ses_settings() -%}
{%- set settings = {
    'patterns': {
        'name': {
            'regex': '^[A-Za-z_][A-Za-z0-9_]*$',
            'says': 'a name of letters, digits and underscores, not starting with a digit'},
        'tag_name': {
            'regex': '^[A-Za-z0-9_:-]{1,256}$',
            'says': 'a tag name (letters, digits, _, - and :)'},
        'configuration_set': {
            'regex': '^[A-Za-z0-9_-]{1,64}$',
            'says': 'a configuration set name (letters, digits, _ and -)'},
        'column_name': {
            'regex': '^[A-Za-z_][A-Za-z0-9_ -]*$',
            'says': 'a column name of letters, digits, _, - and spaces, starting with a letter or _'},
        'query_parameter': {
            'regex': '^[A-Za-z0-9_.~-]+[*]?$',
            'says': 'a query parameter name (letters, digits, _ . ~ and -), a trailing * for any suffix'},
        'event_type': {
            'regex': '^[A-Za-z][A-Za-z ]*$',
            'says': 'an SES event type (letters and spaces)'},
        'day': {
            'regex': '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
            'says': 'a day written YYYY-MM-DD'},
    },
    'settings': [
        {'name': 'ses_schema_prefix', 'type': 'text', 'pattern': 'name', 'checked_while_parsing': True,
            'example': 'acme_ses_'},
        {'name': 'ses_events_path', 'type': 'text', 'required_for': ['raw_ses_records', 'base_ses__records'],
            'example': '/data/ses/**'},
        {'name': 'ses_requests_path', 'type': 'text',
            'example': '/data/requests.csv'},
        {'name': 'ses_requests_columns', 'type': 'mapping', 'fields': {
            'message_id': {'type': 'text', 'pattern': 'column_name', 'optional': True},
            'recipient': {'type': 'text', 'pattern': 'column_name', 'optional': True},
            'request_time': {'type': 'text', 'pattern': 'column_name', 'optional': True},
            'region': {'type': 'text', 'pattern': 'column_name', 'optional': True}},
            'example': '{message_id: MessageId, request_time: sent_at}'},
        {'name': 'ses_requests_time_format', 'type': 'text',
            'example': '"%m/%d/%Y %H:%M"'},
        {'name': 'ses_export_path', 'type': 'text',
            'example': '/data/ses-marts'},
        {'name': 'ses_fail_on_unreadable_objects', 'type': 'boolean',
            'example': 'true'},
        {'name': 'ses_test_all_rows', 'type': 'boolean',
            'example': 'true'},
        {'name': 'ses_plausible_timestamps', 'type': 'mapping', 'fields': {
            'earliest': {'type': 'text', 'pattern': 'day'},
            'hours_after_load': {'type': 'integer', 'minimum': 0}},
            'example': '{earliest: "2011-01-25", hours_after_load: 24}'},
        {'name': 'ses_pii_mode', 'type': 'text', 'one_of': ['raw', 'hashed', 'redacted'],
            'example': 'hashed'},
        {'name': 'ses_machine_open_seconds', 'type': 'number', 'greater_than': 0,
            'example': '2'},
        {'name': 'ses_bot_click_seconds', 'type': 'number', 'greater_than': 0,
            'example': '10'},
        {'name': 'ses_bot_click_burst_links', 'type': 'integer', 'minimum': 2,
            'example': '3'},
        {'name': 'ses_known_values', 'type': 'mapping',
            'any_key': {'type': 'text', 'pattern': 'name'},
            'any_value': {'type': 'mapping',
                'any_key': {'type': 'text', 'pattern': 'name'},
                'any_value': {'type': 'list', 'item': {'type': 'text'}}},
            'example': '{stg_ses__bounces: {bounce_type: [Undetermined, Permanent, Transient]}}'},
        {'name': 'ses_campaign_tag', 'type': 'text', 'pattern': 'tag_name',
            'example': 'campaign'},
        {'name': 'ses_tracked_configuration_sets', 'type': 'mapping', 'fields': {
            'opens': {'type': 'list', 'item': {'type': 'text', 'pattern': 'configuration_set'}, 'nullable': True},
            'clicks': {'type': 'list', 'item': {'type': 'text', 'pattern': 'configuration_set'}, 'nullable': True}},
            'example': '{opens: [marketing], clicks: [marketing]}'},
        {'name': 'ses_other_providers_send_complaint_feedback', 'type': 'boolean',
            'example': 'false'},
        {'name': 'ses_deliverability_minimum_sends', 'type': 'integer', 'minimum': 0,
            'example': '100'},
        {'name': 'ses_reputation_window_sends', 'type': 'integer', 'minimum': 1,
            'example': '10000'},
        {'name': 'ses_reputation_window_days', 'type': 'integer', 'minimum': 1,
            'example': '14'},
        {'name': 'ses_reputation_thresholds', 'type': 'mapping', 'fields': {
            'bounce_warning': {'type': 'number', 'greater_than': 0, 'less_than': 1},
            'bounce_review': {'type': 'number', 'greater_than': 0, 'less_than': 1},
            'bounce_pause': {'type': 'number', 'greater_than': 0, 'less_than': 1},
            'complaint_review': {'type': 'number', 'greater_than': 0, 'less_than': 1},
            'complaint_pause': {'type': 'number', 'greater_than': 0, 'less_than': 1}},
            'ascending': [['bounce_warning', 'bounce_review', 'bounce_pause'], ['complaint_review', 'complaint_pause']],
            'example': '{bounce_warning: 0.02, bounce_review: 0.05, bounce_pause: 0.10, complaint_review: 0.001, complaint_pause: 0.005}'},
        {'name': 'ses_suppression_transient_bounces', 'type': 'integer', 'minimum': 1,
            'example': '3'},
        {'name': 'ses_link_tracking_parameters', 'type': 'list',
            'item': {'type': 'text', 'pattern': 'query_parameter'},
            'example': '[utm_*, gclid]'},
        {'name': 'ses_event_types', 'type': 'list', 'minimum_length': 1, 'item': {'type': 'mapping', 'fields': {
            'event_type': {'type': 'text', 'pattern': 'event_type'},
            'event_class': {'type': 'text', 'pattern': 'name'},
            'recipient_grain': {'type': 'text', 'one_of': ['listed', 'message', 'unnamed']},
            'plural': {'type': 'text', 'pattern': 'name'},
            'past_tense': {'type': 'text', 'pattern': 'name'},
            'details_key': {'type': 'text', 'pattern': 'name'},
            'has_timestamp': {'type': 'boolean'},
            'staging_model': {'type': 'text', 'pattern': 'name'}}},
            'example': '[{event_type: Send, event_class: send, recipient_grain: message, plural: sends, past_tense: sent,'
                ' details_key: send, has_timestamp: false, staging_model: stg_ses__sends}]'},
    ],
} -%}
    {{ return(settings) }}
{%- endmacro %}


{#- A setting's value, checked: fails with the setting's error lines when
    it is not valid. While dbt parses nothing runs, so an invalid value is
    left to ses_check_settings, which reports every setting at once before
    anything runs, and the setting's example stands in meanwhile (parsing
    then never stops on a value of the wrong type halfway through a model);
    but a setting that reaches SQL before any hook (checked_while_parsing)
    fails already there. -#}
{% macro ses_setting(name) -%}
    {%- set settings = ses_settings() -%}
    {%- set spec = ses_setting_spec(settings, name) -%}
    {%- set value = var(name) -%}
    {%- set lines = ses_setting_errors(spec, value, settings.patterns) -%}
    {%- if lines and (execute or spec.checked_while_parsing) -%}
        {%- do exceptions.raise_compiler_error(lines | join('\n')) -%}
    {%- elif lines -%}
        {{ return(fromyaml(spec.example)) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{#- The entry of one setting in the list; a name the list does not know is
    a mistake in the project's own code. -#}
{% macro ses_setting_spec(settings, name) -%}
    {%- for spec in settings.settings if spec.name == name -%}
        {{ return(spec) }}
    {%- endfor -%}
    {%- do exceptions.raise_compiler_error(name ~ ' is read as a setting but is not in the list of ses_settings()') -%}
{%- endmacro %}


{#- The check at the start of every run (dbt_project.yml's on-run-start,
    which dbt runs in a host project too): every setting's value, every
    ses_ name given that is no setting, and every setting a model the run
    builds needs. Fails with one line per error, before any model runs;
    renders nothing. dbt compile and docs generate compile the hook without
    running it, alongside the models: there it checks nothing (each value
    is checked where a model reads it, ses_setting). Also an operation:
    `dbt run-operation ses_check_settings`. -#}
{% macro ses_check_settings() -%}
    {%- if not execute or flags.WHICH in ['compile', 'generate'] -%}{{ return('') }}{%- endif -%}
    {%- set values = {} -%}
    {%- for spec in ses_settings().settings -%}
        {%- do values.update({spec.name: var(spec.name)}) -%}
    {%- endfor -%}
    {%- set lines = ses_settings_errors(values, ses_given_setting_names(), selected_resources or []) -%}
    {%- if lines -%}
        {%- do exceptions.raise_compiler_error(lines | join('\n')) -%}
    {%- endif -%}
    {%- do ses_require_pii_key() -%}
    {{ return('') }}
{%- endmacro %}


{#- The error lines of a set of settings: `values` maps a setting to its
    value (a setting left out is not checked); `given_names`, [name, where]
    pairs, the names set on the command line or in the project file, each
    of which must be a setting; `selected_resources`, the unique ids a run
    selects, for required_for. -#}
{% macro ses_settings_errors(values, given_names=[], selected_resources=[]) -%}
    {%- set settings = ses_settings() -%}
    {%- set lines = [] -%}
    {%- set known_names = [] -%}
    {%- for spec in settings.settings -%}
        {%- do known_names.append(spec.name) -%}
        {%- if spec.name in values -%}
            {%- set value = values[spec.name] -%}
            {%- set value_lines = ses_setting_errors(spec, value, settings.patterns) -%}
            {%- do lines.extend(value_lines) -%}
            {%- set needed_by = [] -%}
            {%- for model_name in spec.required_for or [] -%}
                {%- for unique_id in selected_resources if unique_id.split('.')[-1] == model_name and unique_id.startswith('model.') -%}
                    {%- do needed_by.append(model_name) -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- if needed_by and not value_lines and (value is none or value == '') -%}
                {%- do lines.append(
                    spec.name ~ ': not set, and ' ~ needed_by | first ~ ' reads it; e.g. '
                    ~ spec.name ~ ': ' ~ spec.example
                ) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name, where in given_names if name not in known_names -%}
        {%- set closest = ses_closest_name(name, known_names) -%}
        {%- do lines.append(
            name ~ ' (' ~ where ~ '): no such setting of ses_analytics'
            ~ ('; did you mean ' ~ closest ~ '?' if closest else '')
        ) -%}
    {%- endfor -%}
    {{ return(lines) }}
{%- endmacro %}


{#- The error lines of one setting's value: `<where>: <what is wrong>; e.g.
    <name>: <example>`, one for each thing wrong. -#}
{% macro ses_setting_errors(spec, value, patterns) -%}
    {%- set lines = [] -%}
    {%- for where, problem in ses_value_problems(value, spec, spec.name, patterns) -%}
        {%- do lines.append(where ~ ': ' ~ problem ~ '; e.g. ' ~ spec.name ~ ': ' ~ spec.example) -%}
    {%- endfor -%}
    {{ return(lines) }}
{%- endmacro %}


{#- What is wrong with a value, as [where, problem] pairs: `where` the
    setting, or the key or element inside it (ses_reputation_thresholds.bounce_pause,
    ses_link_tracking_parameters[2]). The value's parts are checked from a
    list the loop appends to as it goes (each list element, each key and
    its value), in one macro call, because a call per part made checking
    ses_event_types cost more than reading it. -#}
{% macro ses_value_problems(value, spec, where, patterns) -%}
    {%- set problems = [] -%}
    {#- [value, spec, where, what the value is called in a problem] -#}
    {%- set pending = [[value, spec, where, '']] -%}
    {%- for value, spec, where, called in pending -%}
        {%- set is_wrong = false -%}
        {%- if spec.type == 'order' -%}
            {#- the order of a mapping's values, once each of them passed -#}
            {%- set failed = namespace(any=false) -%}
            {%- for problem_where, _ in problems if problem_where.startswith(where ~ '.') -%}
                {%- set failed.any = true -%}
            {%- endfor -%}
            {%- for chain in spec.ascending if not failed.any -%}
                {%- for index in range(chain | length - 1) if not value[chain[index]] < value[chain[index + 1]] -%}
                    {%- do problems.append([
                        where, chain[index + 1] ~ ' (' ~ value[chain[index + 1]] ~ ') is not above '
                        ~ chain[index] ~ ' (' ~ value[chain[index]] ~ '); they rise in this order: ' ~ chain | join(', ')
                    ]) -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- elif value is none -%}
            {%- set is_wrong = not spec.nullable -%}
        {%- elif spec.type == 'text' -%}
            {%- set is_wrong = value is not string
                or (spec.one_of and value not in spec.one_of)
                or (spec.pattern and not modules.re.fullmatch(patterns[spec.pattern].regex, value)) -%}
        {%- elif spec.type == 'boolean' -%}
            {%- set is_wrong = value is not boolean -%}
        {%- elif spec.type in ['integer', 'number'] -%}
            {%- set is_wrong = not (value is integer or (spec.type == 'number' and value is float))
                or (value | string) in ['nan', 'inf', '-inf']
                or (spec.minimum is defined and value < spec.minimum)
                or (spec.greater_than is defined and value <= spec.greater_than)
                or (spec.less_than is defined and value >= spec.less_than) -%}
        {%- elif spec.type == 'list' -%}
            {%- set is_wrong = value is string or value is mapping or value is not iterable -%}
            {%- if not is_wrong and value | length < (spec.minimum_length or 0) -%}
                {%- do problems.append([where, ses_shown_value(value) ~ ' has fewer than ' ~ spec.minimum_length ~ ' elements']) -%}
            {%- elif not is_wrong -%}
                {%- for index in range(value | length) -%}
                    {%- do pending.append([value[index], spec.item, where ~ '[' ~ index ~ ']', '']) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- elif spec.type == 'mapping' -%}
            {%- set is_wrong = value is not mapping -%}
            {%- if not is_wrong and spec.fields -%}
                {%- for field, field_spec in spec.fields.items() -%}
                    {%- if field in value -%}
                        {%- do pending.append([value[field], field_spec, where ~ '.' ~ field, '']) -%}
                    {%- elif not field_spec.optional -%}
                        {%- do problems.append([where ~ '.' ~ field, 'not set']) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- for key in value if key not in spec.fields -%}
                    {%- do problems.append([where ~ '.' ~ key, 'no such key (the keys are ' ~ spec.fields | join(', ') ~ ')']) -%}
                {%- endfor -%}
                {%- if spec.ascending -%}
                    {%- do pending.append([value, {'type': 'order', 'ascending': spec.ascending}, where, '']) -%}
                {%- endif -%}
            {%- elif not is_wrong -%}
                {%- for key, element in value.items() -%}
                    {%- do pending.append([key, spec.any_key, where, 'the key ']) -%}
                    {%- do pending.append([element, spec.any_value, where ~ '.' ~ key, '']) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endif -%}
        {%- if is_wrong -%}
            {%- do problems.append([where, called ~ ses_shown_value(value) ~ ' is not ' ~ ses_valid_value(spec, patterns)]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}


{#- What a valid value is, in words, for an error line. -#}
{% macro ses_valid_value(spec, patterns) -%}
    {%- if spec.type == 'text' and spec.pattern -%}
        {{ return(patterns[spec.pattern].says) }}
    {%- elif spec.type == 'text' and spec.one_of -%}
        {{ return('one of ' ~ spec.one_of | join(', ')) }}
    {%- elif spec.type == 'text' -%}
        {{ return('text') }}
    {%- elif spec.type == 'boolean' -%}
        {{ return('true or false (unquoted)') }}
    {%- elif spec.type == 'integer' -%}
        {{ return('a whole number of at least ' ~ spec.minimum) }}
    {%- elif spec.type == 'number' and spec.less_than is defined -%}
        {{ return('a number between ' ~ spec.greater_than ~ ' and ' ~ spec.less_than) }}
    {%- elif spec.type == 'number' -%}
        {{ return('a number greater than ' ~ spec.greater_than) }}
    {%- elif spec.type == 'list' -%}
        {{ return('a list') }}
    {%- elif spec.fields -%}
        {{ return('a mapping with the keys ' ~ spec.fields | join(', ')) }}
    {%- else -%}
        {{ return('a mapping') }}
    {%- endif -%}
{%- endmacro %}


{#- A value as an error line shows it: as JSON (a text in double quotes,
    so that "false" and false differ), cut at 80 characters. -#}
{% macro ses_shown_value(value) -%}
    {%- set shown = tojson(value) or value | string -%}
    {{ return(shown if shown | length <= 80 else shown[:77] ~ '...') }}
{%- endmacro %}


{#- The names a run was given that concern this project, as [name, where]
    pairs: each ses_ var on the command line (--vars) and those of the root
    project's dbt_project.yml (this project's, or a host's). dbt shows a
    macro the values of vars, never their names: the project file is read
    as text through the engine. -#}
{% macro ses_given_setting_names() -%}
    {%- set names = [] -%}
    {%- for name in invocation_args_dict.get('vars') or {} if (name | string).startswith('ses_') -%}
        {%- do names.append([name | string, '--vars']) -%}
    {%- endfor -%}
    {%- do names.extend(ses_project_file_setting_names(ses_read_text_file(ses_project_path('dbt_project.yml')))) -%}
    {{ return(names) }}
{%- endmacro %}


{#- The var names of a dbt_project.yml's text that concern this project,
    as [name, where] pairs: each global ses_ var and every var scoped to
    ses_analytics (only this project's nodes see those). -#}
{% macro ses_project_file_setting_names(project_text) -%}
    {%- set names = [] -%}
    {%- set project = fromyaml(project_text) -%}
    {%- set project_vars = project.get('vars') if project is mapping else none -%}
    {%- for name, value in (project_vars if project_vars is mapping else {}).items() -%}
        {%- if name == 'ses_analytics' and value is mapping -%}
            {%- for scoped_name in value -%}
                {%- do names.append([scoped_name | string, 'dbt_project.yml vars: ses_analytics']) -%}
            {%- endfor -%}
        {%- elif (name | string).startswith('ses_') -%}
            {%- do names.append([name | string, 'dbt_project.yml vars']) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}


{#- The known name closest to a mistyped one (fewest letters added, removed
    or changed; a name without the ses_ prefix is also compared with it),
    when it is close enough to be the one meant. -#}
{% macro ses_closest_name(name, known_names) -%}
    {%- set best = namespace(name=none, distance=[3, (name | length) // 3] | min + 1) -%}
    {%- set spellings = [name] if name.startswith('ses_') else [name, 'ses_' ~ name] -%}
    {%- for known_name in known_names -%}
        {%- for spelling in spellings -%}
            {%- set distance = ses_edit_distance(spelling, known_name) -%}
            {%- if distance < best.distance -%}
                {%- set best.name, best.distance = known_name, distance -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(best.name) }}
{%- endmacro %}


{#- Levenshtein distance: the fewest characters inserted, deleted or
    replaced to turn one text into the other. -#}
{% macro ses_edit_distance(left, right) -%}
    {%- set previous = namespace(row=range(right | length + 1) | list) -%}
    {%- for left_index in range(left | length) -%}
        {%- set current = [left_index + 1] -%}
        {%- for right_index in range(right | length) -%}
            {%- do current.append([
                previous.row[right_index + 1] + 1,
                current[right_index] + 1,
                previous.row[right_index] + (0 if left[left_index] == right[right_index] else 1),
            ] | min) -%}
        {%- endfor -%}
        {%- set previous.row = current -%}
    {%- endfor -%}
    {{ return(previous.row[-1]) }}
{%- endmacro %}


{#- The whole text of a local file, read through the engine (the one
    thing a macro can read a file with). -#}
{% macro ses_read_text_file(path) -%}
    {{ return(adapter.dispatch('ses_read_text_file', 'ses_analytics')(path)) }}
{%- endmacro %}

{% macro default__ses_read_text_file(path) -%}
    {{ return(run_query('select content from read_text(' ~ ses_string_literal(path) ~ ')').columns[0].values()[0]) }}
{%- endmacro %}

{#- the text source, whole text: one row for the file -#}
{% macro spark__ses_read_text_file(path) -%}
    {%- set view_name = ses_spark_files_view(path, 'text', {'wholetext': 'true'}) -%}
    {{ return(run_query('select value from ' ~ view_name).columns[0].values()[0]) }}
{%- endmacro %}
