# Reads YAML documents separated by NUL bytes from standard input with YAML.load, as the
# CodeDeploy agent reads appspec.yml, and prints one JSON line per document: the document with
# every scalar as [Ruby class name, string form], or {"error": "..."} when Psych refuses it.
require 'yaml'
require 'json'

def typed(value)
  case value
  when Hash then value.map { |key, item| [typed(key), typed(item)] }
  when Array then value.map { |item| typed(item) }
  else [value.class.name, value.is_a?(String) ? value : value.inspect]
  end
end

STDIN.binmode
STDIN.read.split("\0", -1).each do |document|
  document.force_encoding('UTF-8')
  begin
    puts JSON.generate(typed(YAML.load(document)))
  rescue Exception => e
    puts JSON.generate({ 'error' => "#{e.class.name}: #{e.message.lines.first.to_s.strip}" })
  end
end
