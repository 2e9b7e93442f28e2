// Original file: protos/vendor/xds/xds/core/v3/authority.proto


export interface Authority {
  'name'?: (string);
}

export interface Authority__Output {
  'name': (string);
}
